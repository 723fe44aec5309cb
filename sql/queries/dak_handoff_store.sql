-- dak_handoff_store: see {schema}.dak_handoff_store. $1 the letter's id in the exchange, $2 the signed hand-off.
SELECT {schema}.dak_handoff_store($1::uuid, $2)
