-- leave_act: approve, reject, cancel or curtail an application (If-Match version).
SELECT application, version FROM {schema}.leave_act($1::uuid, $2::integer, $3, $4, $5::date)
