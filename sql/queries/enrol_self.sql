-- enrol_self: the calling officer enrols in published course $1 (their open enrolment if any), taking a
-- place in its classroom batch $2 when one is named.
SELECT enrolment, version, created FROM {schema}.enrol_self($1::uuid, $2::uuid)
