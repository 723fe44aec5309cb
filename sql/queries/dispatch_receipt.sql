-- dispatch_receipt: the hand-off of dispatch $1 (one the caller may see) that the receiving department's
-- acknowledgement produced: the compact JWS daftar signed, and what it says. No row until then.
SELECT json_build_object('dispatch_id', x.id, 'dispatch_number', h.dispatch_number, 'recipient', h.recipient,
                         'receipt_number', h.receipt_number, 'letter_sha256', h.sha256,
                         'sent_at', to_char(h.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         'received_at', to_char(h.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         'handoff', h.handoff)
FROM {schema}.dispatches x
CROSS JOIN LATERAL {schema}.dispatch_handoff(x) h
WHERE x.id = $1::uuid AND {schema}.may_see_dispatch(x) AND h.handoff IS NOT NULL
