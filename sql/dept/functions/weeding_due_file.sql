-- weeding_due_file: file p_id, locked, for the records officer to weed
-- (department 0030): 403 or 404 as record_room_file, 409
-- unless it is in the record room, not weeded, of category B or C and its
-- review date has come (IST).
CREATE OR REPLACE FUNCTION {schema}.weeding_due_file(p_id uuid) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.record_room_file(p_id);
BEGIN
    IF f.weeded_at IS NOT NULL THEN
        RAISE EXCEPTION 'The file was weeded already.' USING ERRCODE = 'DF409', HINT = 'file-weeded';
    END IF;
    IF f.record_room_at IS NULL OR f.retention = 'A' OR f.review_on > (now() AT TIME ZONE 'Asia/Kolkata')::date THEN
        RAISE EXCEPTION 'Only a file in the record room whose review date has come (category B or C) is weeded.'
            USING ERRCODE = 'DF409', HINT = 'not-due';
    END IF;
    RETURN f;
END
$$;
