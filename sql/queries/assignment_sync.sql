-- assignment_sync: the nodal officer takes assignment $1's roster in the request's department anew.
SELECT {schema}.assignment_sync($1::uuid)
