-- certificate_claims: what the calling officer's certificate $1 says (the server adds iss and iat
-- and signs it): UID, course code, completion date, score, validity (exp: the end of its last
-- day, India time). No row when it is not theirs or is revoked.
SELECT json_strip_nulls(json_build_object(
           'sub', c.uid, 'jti', c.id, 'token_use', 'training_certificate', 'course', k.code,
           'completed', c.completed_on, 'score', c.score, 'valid_until', c.valid_until,
           'exp', extract(epoch FROM ((c.valid_until + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'))::bigint))
FROM {schema}.completions c JOIN {schema}.courses k ON k.id = c.course
WHERE c.id = $1::uuid AND c.uid = current_setting('daftar.officer_uid')
  AND NOT EXISTS (SELECT FROM {schema}.revocations r WHERE r.completion = c.id)
