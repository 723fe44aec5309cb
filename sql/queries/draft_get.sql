-- draft_get: one draft of a file the caller may see, its version for the ETag; reading one on a confidential or
-- secret file appends audit event draft.read.
SELECT {schema}.draft_json(d), d.version
FROM {schema}.visible_file($1::uuid, 'draft.read') f
JOIN {schema}.drafts d ON d.file_id = f.id
WHERE f.id IS NOT NULL AND d.id = $2::uuid
