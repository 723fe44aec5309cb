-- apar_completeness: the custodian's completeness report of a cycle.
SELECT {schema}.completeness($1::uuid)
