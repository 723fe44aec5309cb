-- enrolment_get: one of the calling officer's enrolments with its progress on each module.
SELECT {schema}.enrolment_detail(e), e.version FROM {schema}.enrolments e
WHERE e.id = $1::uuid AND e.uid = current_setting('daftar.officer_uid')
