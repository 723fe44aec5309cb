-- receipt_classification: the classification of receipt $1, which the caller registered and has not
-- filed, and the department's sealed data key.
SELECT {schema}.held_receipt_classification($1::uuid), (SELECT data_key FROM daftar.dept_key)
