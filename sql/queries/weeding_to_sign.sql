-- weeding_to_sign: what the records officer signs to weed file $1 on order $2 of officer $3, and their certificates.
SELECT {schema}.weeding_to_sign($1::uuid, $2, $3)
