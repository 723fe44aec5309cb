-- receipt_file: puts receipt $1 into file $2, which the caller holds. Columns: the receipt, its version.
SELECT x.j, x.j->>'version' FROM (SELECT {schema}.receipt_file($1::uuid, $2::uuid) AS j) x
