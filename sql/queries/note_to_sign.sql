-- note_to_sign: the hash of note $2 of file $1 and the caller's certificates, for the author to sign.
SELECT {schema}.note_to_sign($1::uuid, $2::int)
