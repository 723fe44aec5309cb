-- leave_apply: the caller applies for leave in the request's department.
SELECT application, version FROM {schema}.leave_apply($1, $2::date, $3::date, $4, $5::uuid)
