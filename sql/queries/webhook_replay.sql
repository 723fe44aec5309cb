-- webhook_replay: POST .../webhooks/{webhook_id}/deliveries/{delivery_id}/replay (functions/webhook_replay.sql; NULL: 404).
SELECT {schema}.webhook_replay($1::uuid, $2::bigint)
