-- batch_create: training_admin schedules a classroom batch of course $1: days $2..$3, venue $4, capacity $5.
SELECT {schema}.batch_create($1::uuid, $2::date, $3::date, $4, $5::integer)
