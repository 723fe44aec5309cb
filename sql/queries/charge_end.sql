-- charge_end: end an acting charge early.
SELECT {schema}.charge_end($1::uuid)
