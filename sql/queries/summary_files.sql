-- summary_files: the caller's e-File badges in the request's department (GET /v1/me/summary): the
-- files in their inbox (as files?box=inbox counts them), those overdue, and the letters drafted on
-- files they hold that wait for an approval of their current version (not their own drafts).
SELECT json_build_object(
    'inbox', count(*),
    'overdue', count(*) FILTER (WHERE f.overdue_since IS NOT NULL),
    'drafts_to_approve', coalesce(sum((SELECT count(*) FROM {schema}.drafts d
                                       WHERE d.file_id = f.id AND d.issued_at IS NULL AND d.author <> {schema}.me()
                                         AND d.approved_version IS DISTINCT FROM d.version)), 0))
FROM {schema}.files f
WHERE f.holder = {schema}.me() AND {schema}.may_see(f)
