-- seat_leave: the calling officer gives up enrolment $1's place in its classroom batch; the enrolment.
SELECT {schema}.seat_leave($1::uuid)
