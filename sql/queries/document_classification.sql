-- document_classification: the classification of file $1, which the caller must hold,
-- and the department's sealed data key (NULL until its first confidential document).
SELECT {schema}.held_classification($1::uuid), (SELECT data_key FROM daftar.dept_key)
