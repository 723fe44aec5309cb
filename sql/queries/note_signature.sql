-- note_signature: the stored signature of note $2 of file $1 with the CMS and certificate to verify again.
SELECT {schema}.note_signature($1::uuid, $2::int)
