-- apar_chain_map: the custodian maps a form's chain and period (If-Match version).
SELECT form, version FROM {schema}.chain_map($1::uuid, $2::integer, $3, $4, $5, $6::date, $7::date)
