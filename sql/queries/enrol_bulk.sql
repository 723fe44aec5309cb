-- enrol_bulk: the nodal officer enrols rows $2 ([{row, uid}]) in course $1, with the rows $3 the
-- server refused itself ([{row, uid, reason}]), each taking a place in classroom batch $4 when one is
-- named; every row's result.
SELECT {schema}.enrol_bulk($1::uuid, $2::jsonb, $3::jsonb, $4::uuid)
