-- document_classification: the classification of file $1, which the caller must hold.
SELECT {schema}.held_classification($1::uuid)
