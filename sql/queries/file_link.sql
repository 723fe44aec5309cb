-- file_link: see {schema}.file_link. $1 the file the caller holds, $2 the other file, $3 remarks, $4 Idempotency-Key
-- or null, $5 the request's hash: a retry answers the first link.
SELECT coalesce(daftar.idempotency_replay($4, $5),
                daftar.idempotency_keep($4, $5, 'link', {schema}.file_link($1::uuid, $2::uuid, $3)))
