-- progress_event: the calling officer's progress event $3 on module $2 of enrolment $1
-- (answers $4), on the server's clock; the enrolment as it stands.
SELECT {schema}.progress_event($1::uuid, $2::integer, $3, $4::jsonb)
