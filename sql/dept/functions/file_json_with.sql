-- file_json_with: a file as the API shows it (the File schema) with its `officers` map given, the
-- name and designation of each UID in it. file_json reads the map for its one file; a page of a list
-- reads it once for all its files and gives each its part (files_inbox.sql: officers_json once a
-- page instead of once a file). An SQL function with a plain expression: it inlines into the caller.
CREATE OR REPLACE FUNCTION {schema}.file_json_with(f {schema}.files, p_officers json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject, 'category', f.category,
                             'section', f.section, 'classification', f.classification, 'priority', f.priority,
                             'status', f.status, 'created_by', f.created_by, 'holder', f.holder,
                             'decision', f.decision, 'decided_by', f.decided_by,
                             'decided_at', to_char(f.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'created_at', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'overdue_since', to_char(f.overdue_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', f.version, 'head_id', f.head_id,
                             'parent_id', f.parent_id, 'part_no', f.part_no,
                             'merged_at', to_char(f.merged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'officers', p_officers)
$$;
