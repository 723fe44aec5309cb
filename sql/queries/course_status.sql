-- course_status: training_admin publishes or retires course $1 at version $2.
SELECT course, version FROM {schema}.course_status($1::uuid, $2::integer, $3)
