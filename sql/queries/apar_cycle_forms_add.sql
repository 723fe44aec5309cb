-- apar_cycle_forms_add: the custodian opens forms for members who joined after the cycle opened.
SELECT {schema}.cycle_forms_add($1::uuid)
