-- completion_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- A completion as the API shows it: its id is the certificate's.
CREATE OR REPLACE FUNCTION {schema}.completion_json(c {schema}.completions) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'uid', c.uid, 'course', {schema}.course_ref(c.course), 'completed_on', c.completed_on,
                             'score', c.score, 'valid_until', c.valid_until, 'source', c.source, 'source_ref', c.source_ref,
                             'revoked_at', (SELECT r.revoked_at FROM {schema}.revocations r WHERE r.completion = c.id))
$$;
