-- employee_get: an officer's service particulars and their version (ETag);
-- no row when there are none or the caller may not read them (the table's
-- policies decide: state_hr functions/employees_policies.sql).
SELECT {schema}.employee_json(e), e.version FROM {schema}.employees e WHERE e.uid = $1
