-- receipt_classification: the classification of receipt $1, which the caller registered and has not filed.
SELECT {schema}.held_receipt_classification($1::uuid)
