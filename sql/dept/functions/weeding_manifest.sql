-- weeding_manifest: what weeding file f destroys, as the record keeps it
-- (department 0030): the file's number, subject, classification, head,
-- retention and dates; its notes (how many, the last final note's hash,
-- which the chain of every note before it ends in); each document's id,
-- name, size and SHA-256. Its text (jsonb's, keys in a fixed order) is
-- what manifest_hash covers.
CREATE OR REPLACE FUNCTION {schema}.weeding_manifest(f {schema}.files) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'file', jsonb_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject,
                                   'classification', f.classification,
                                   'head', (SELECT coalesce((SELECT p.code || '/' FROM {schema}.filing_heads p
                                                             WHERE p.id = h.parent_id), '') || h.code
                                            FROM {schema}.filing_heads h WHERE h.id = f.head_id),
                                   'retention', f.retention, 'retention_years', f.retention_years,
                                   'created_on', (f.created_at AT TIME ZONE 'Asia/Kolkata')::date,
                                   'closed_on', f.closed_on, 'review_on', f.review_on),
        'notes', (SELECT jsonb_build_object('count', count(*),
                                            'last_hash', (array_agg(x.hash ORDER BY x.n DESC)
                                                          FILTER (WHERE x.status = 'final'))[1])
                  FROM {schema}.notes x WHERE x.file_id = f.id),
        'documents', coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'filename', d.filename, 'size', d.size,
                                                                    'sha256', d.sha256) ORDER BY d.uploaded_at, d.id)
                               FROM {schema}.documents d WHERE d.file_id = f.id), '[]'::jsonb))
$$;
