-- data_key_ensure: sets the department's sealed data key $1 unless it has one; returns the one it has.
SELECT {schema}.data_key_ensure($1)
