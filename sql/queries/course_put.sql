-- course_put: training_admin makes a course ($1 NULL) or replaces draft $1 at version $2.
SELECT course, version, created FROM {schema}.course_put($1::uuid, $2::integer, $3, $4, $5, $6, $7::jsonb, $8::integer,
                                                         $9::integer, $10::integer, $11, $12::jsonb)
