-- webhook_create: POST /v1/departments/{dept}/webhooks (functions/webhook_create.sql).
SELECT {schema}.webhook_create($1, $2::text[], $3)
