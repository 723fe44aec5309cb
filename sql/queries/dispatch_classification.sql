-- dispatch_classification: the classification of dispatch $1, to which the dispatch section may attach the letter,
-- and the department's sealed data key (NULL until its first confidential document).
SELECT {schema}.dispatch_classification($1::uuid), (SELECT data_key FROM daftar.dept_key)
