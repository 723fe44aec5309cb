-- enrol_self: the calling officer enrols in published course $1 (their open enrolment if any).
SELECT enrolment, version, created FROM {schema}.enrol_self($1::uuid)
