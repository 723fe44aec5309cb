-- draft_classification: the classification of the file of draft $2 (of file $1), which the caller must be able to
-- change, and the department's sealed data key (NULL until its first confidential document).
SELECT {schema}.draft_classification($1::uuid, $2::uuid), (SELECT data_key FROM daftar.dept_key)
