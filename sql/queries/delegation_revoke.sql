-- delegation_revoke: see {schema}.delegation_revoke. $1 delegation id.
SELECT {schema}.delegation_revoke($1::uuid)
