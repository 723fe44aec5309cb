-- apar_cycle_open: the custodian opens the department's APAR cycle for a year.
SELECT {schema}.cycle_open($1::integer, $2::jsonb)
