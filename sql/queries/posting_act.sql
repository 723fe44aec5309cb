-- posting_act: relieve, join or cancel a posting order (If-Match version).
SELECT posting, version FROM {schema}.posting_act($1::uuid, $2::integer, $3)
