-- employee_put: the establishment writes an officer's particulars ($2 NULL: new).
SELECT employee, version, created FROM {schema}.employee_put($1, $2::integer, $3, $4, $5, $6::integer, $7::date, $8::date,
                                                             $9, $10)
