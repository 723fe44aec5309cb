-- receipt_file: puts receipt $1 into file $2, which the caller holds.
SELECT {schema}.receipt_file($1::uuid, $2::uuid)
