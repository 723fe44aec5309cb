-- certificate_revoke: training_admin revokes certificate $1 with reason $2.
SELECT {schema}.certificate_revoke($1::uuid, $2)
