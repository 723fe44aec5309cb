-- decisions_guard: a decision on a file (approve, reject) is recorded only by
-- file_decide, which runs as the schema's owner and writes the file's
-- decision and its movement together, under its rules (security review item
-- 5: the department's role could rewrite a file's decision with a plain
-- UPDATE, or put a decision in the track with an INSERT). The triggers fire
-- only when a decision column changes or a decision movement is inserted.
-- Names are qualified: a temporary table may shadow pg_namespace otherwise.
CREATE OR REPLACE FUNCTION {schema}.decisions_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> (SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace
                        WHERE nspname = TG_TABLE_SCHEMA) THEN
        RAISE EXCEPTION 'A decision is recorded only by file_decide, with its movement.' USING ERRCODE = 'DF403';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER files_decision_guard BEFORE UPDATE OF decision, decided_by, decided_at ON {schema}.files
    FOR EACH ROW WHEN (OLD.decision IS DISTINCT FROM NEW.decision OR OLD.decided_by IS DISTINCT FROM NEW.decided_by
                       OR OLD.decided_at IS DISTINCT FROM NEW.decided_at)
    EXECUTE FUNCTION {schema}.decisions_guard();
CREATE OR REPLACE TRIGGER movements_decision_guard BEFORE INSERT ON {schema}.movements
    FOR EACH ROW WHEN (NEW.action IN ('approve', 'reject')) EXECUTE FUNCTION {schema}.decisions_guard();
