-- file_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002, 0005.
-- `officers`: the name and designation of each UID in it (officers_json).
CREATE OR REPLACE FUNCTION {schema}.file_json(f {schema}.files) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject, 'category', f.category,
                             'section', f.section, 'classification', f.classification, 'priority', f.priority,
                             'status', f.status, 'created_by', f.created_by, 'holder', f.holder,
                             'decision', f.decision, 'decided_by', f.decided_by,
                             'decided_at', to_char(f.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'created_at', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'overdue_since', to_char(f.overdue_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', f.version,
                             'officers', {schema}.officers_json(ARRAY[f.created_by, f.holder, f.decided_by]))
$$;
