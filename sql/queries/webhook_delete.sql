-- webhook_delete: DELETE /v1/departments/{dept}/webhooks/{webhook_id} (functions/webhook_delete.sql; NULL: 404).
SELECT {schema}.webhook_delete($1::uuid)
