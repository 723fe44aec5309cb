-- dak_acknowledge: see {schema}.dak_acknowledge. $1 the letter's id in the exchange.
SELECT {schema}.dak_acknowledge($1::uuid)
