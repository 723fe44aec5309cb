-- batch_change: training_admin changes batch $2 of course $1 at version $3: days $4..$5, venue $6, capacity $7 (each
-- null: unchanged), or cancels it for reason $8.
SELECT batch, version FROM {schema}.batch_change($1::uuid, $2::uuid, $3::integer, $4::date, $5::date, $6, $7::integer, $8)
