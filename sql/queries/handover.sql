-- handover: see {schema}.handover. $1 the leaving officer, $2 the successor, $3 reason, $4 remarks, $5 Idempotency-Key
-- or null, $6 the request's hash (a retry answers the first hand-over, not an empty second one). Adds `officers`
-- (names read as the department's role: the function runs as the schema's owner).
SELECT coalesce(daftar.idempotency_replay($5, $6),
                daftar.idempotency_keep($5, $6, 'handover',
                    (SELECT (x.h::jsonb || jsonb_build_object('officers', {schema}.officers_json(
                                ARRAY[x.h->>'from', x.h->>'to', x.h->>'ordered_by'])::jsonb))::json
                     FROM (SELECT {schema}.handover($1, $2, $3, $4) AS h) x)))
