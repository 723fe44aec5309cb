-- officer_training: the nodal officer reads officer $1's training.
SELECT {schema}.officer_training($1)
