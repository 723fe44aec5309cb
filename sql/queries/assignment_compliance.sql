-- assignment_compliance: the nodal officer reads assignment $1's compliance in the request's department.
SELECT {schema}.assignment_compliance($1::uuid)
