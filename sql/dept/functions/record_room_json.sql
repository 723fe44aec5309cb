-- record_room_json: a file in the record room as the records officer sees
-- it (department 0030): the file, its retention and dates, and the hash of
-- what weeding it would destroy (weeding_manifest; sign weeding_hash of it).
CREATE OR REPLACE FUNCTION {schema}.record_room_json(f {schema}.files) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject,
                             'classification', f.classification, 'head', m -> 'file' -> 'head',
                             'retention', f.retention, 'retention_years', f.retention_years,
                             'closed_on', f.closed_on, 'review_on', f.review_on,
                             'record_room_at', to_char(f.record_room_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'weeded_at', to_char(f.weeded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'manifest_hash', encode(sha256(convert_to(m::text, 'UTF8')), 'hex'),
                             'version', f.version)
    FROM (SELECT {schema}.weeding_manifest(f) AS m) x
$$;
