-- dispatch_status: see {schema}.dispatch_status. $1 dispatch, $2 version (If-Match), $3 status, $4 consignment
-- number or null, $5 remarks.
SELECT dispatch, version FROM {schema}.dispatch_status($1::uuid, $2::int, $3, $4, $5)
