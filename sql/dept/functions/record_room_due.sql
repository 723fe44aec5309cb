-- record_room_due: the records officer's list of files in the record room
-- due for review or weeding by p_by (department 0030): not weeded, category
-- B or C, review date on or before p_by; those the caller is cleared for;
-- by review date, at most 200. p_by '': today (IST). 403 needs-records-officer for anyone else.
CREATE OR REPLACE FUNCTION {schema}.record_room_due(p_by text) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_by date := coalesce(nullif(p_by, '')::date, (now() AT TIME ZONE 'Asia/Kolkata')::date);
BEGIN
    PERFORM {schema}.record_keeper();
    RETURN json_build_object('items', coalesce((
        SELECT json_agg({schema}.record_room_json(f) ORDER BY f.review_on, f.id)
        FROM (SELECT * FROM {schema}.files f
              WHERE f.record_room_at IS NOT NULL AND f.weeded_at IS NULL AND f.review_on <= v_by
                AND {schema}.cleared_for(f.classification)
              ORDER BY f.review_on, f.id LIMIT 200) f), '[]'::json), 'due_by', v_by);
END
$$;
