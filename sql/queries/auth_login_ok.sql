-- auth_login_ok: a successful login of $2: resets the failure count and
-- stores the first refresh token of a new family.
-- $1 token hash, $2 uid, $3 amr (text array literal), $4 lifetime in seconds
WITH t AS (
    INSERT INTO daftar.refresh_tokens (token_hash, family, uid, amr, expires_at)
    VALUES ($1, gen_random_uuid(), $2, $3::text[], now() + make_interval(secs => $4::int))
    RETURNING uid)
SELECT daftar.login_record(t.uid, true)::text FROM t
