-- note_add: a draft note by the holder. $1 file, $2 text, $3 Idempotency-Key or null, $4 the request's hash.
SELECT {schema}.note_add($1::uuid, $2, $3, $4)
