-- compliance_state: numbers of assignment $1 for every department with a roster.
SELECT {schema}.compliance_state($1::uuid)
