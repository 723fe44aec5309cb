-- course_get: one course with its modules and questions (never an answer) and its version;
-- no row when there is none or it is a draft the caller does not administer (courses_policies).
SELECT {schema}.course_json(c, true), c.version FROM {schema}.courses c WHERE c.id = $1::uuid
