-- record_room_receive: the records officer (or dept_admin) receives closed
-- file p_id into the record room (department 0030), with its head's
-- retention category as it stands now (a file without a head: A) and its
-- review date, the day it was closed (IST) plus the category's years (none
-- for A). 403 or 404 as record_room_file; 409
-- file-not-closed, in-record-room. A new version; audited.
CREATE OR REPLACE FUNCTION {schema}.record_room_receive(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.record_room_file(p_id);
    h {schema}.filing_heads;
    v_closed date;
BEGIN
    IF f.record_room_at IS NOT NULL THEN
        RAISE EXCEPTION 'The file is in the record room already.' USING ERRCODE = 'DF409', HINT = 'in-record-room';
    END IF;
    IF f.status <> 'closed' THEN
        RAISE EXCEPTION 'Only a closed file goes to the record room.' USING ERRCODE = 'DF409', HINT = 'file-not-closed';
    END IF;
    SELECT (max(m.at) AT TIME ZONE 'Asia/Kolkata')::date INTO v_closed
    FROM {schema}.movements m WHERE m.file_id = p_id AND m.action = 'close';
    SELECT * INTO h FROM {schema}.filing_heads WHERE id = f.head_id;
    UPDATE {schema}.files
    SET record_room_at = now(), retention = coalesce(h.retention, 'A'), retention_years = h.retention_years,
        closed_on = coalesce(v_closed, (f.updated_at AT TIME ZONE 'Asia/Kolkata')::date),
        review_on = CASE WHEN h.retention_years IS NOT NULL
                         THEN (coalesce(v_closed, (f.updated_at AT TIME ZONE 'Asia/Kolkata')::date)
                               + make_interval(years => h.retention_years))::date END,
        version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.record_room', f.id, json_build_object('retention', f.retention, 'review_on', f.review_on));
    RETURN {schema}.record_room_json(f);
END
$$;
