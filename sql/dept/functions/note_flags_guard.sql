-- note_flags_guard: a flag on a final note never changes nor goes, whoever
-- tries (the flags survive the note becoming final; department 0027), until
-- the file is weeded (weeding_now, department 0030).
CREATE OR REPLACE FUNCTION {schema}.note_flags_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {schema}.weeding_now(OLD.file_id) THEN
        RETURN OLD;
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.notes x WHERE x.file_id = OLD.file_id AND x.n = OLD.n AND x.status = 'final') THEN
        RAISE EXCEPTION 'A final note''s flags never change.' USING ERRCODE = 'DF409', HINT = 'note-final';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE OR REPLACE TRIGGER note_flags_guard BEFORE UPDATE OR DELETE ON {schema}.note_flags
    FOR EACH ROW EXECUTE FUNCTION {schema}.note_flags_guard();
