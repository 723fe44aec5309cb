-- apar_submission_to_sign: the hash of submission $2 of form $1 and the caller's certificates, for its author.
SELECT {schema}.submission_to_sign($1::uuid, $2::integer)
