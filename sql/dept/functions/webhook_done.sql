-- webhook_done: a try's outcome (p_status the receiver's HTTP status, or NULL
-- with p_error when none came): logged; a 2xx delivers; otherwise the next try
-- after p_backoff_ms * 2^(tries - 1) (at most an hour), or dead after
-- p_max tries.
CREATE OR REPLACE FUNCTION {schema}.webhook_done(p_id bigint, p_status integer, p_error text, p_ms integer, p_max integer,
                                                 p_backoff_ms integer)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    d {schema}.webhook_deliveries;
BEGIN
    SELECT * INTO d FROM {schema}.webhook_deliveries x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND OR d.status <> 'pending' THEN
        RETURN NULL;
    END IF;
    INSERT INTO {schema}.webhook_attempts (delivery, n, http_status, error, duration_ms)
    VALUES (p_id, coalesce((SELECT max(a.n) FROM {schema}.webhook_attempts a WHERE a.delivery = p_id), 0) + 1, p_status,
            left(p_error, 300), p_ms);
    UPDATE {schema}.webhook_deliveries x
    SET status = CASE WHEN p_status BETWEEN 200 AND 299 THEN 'delivered' WHEN d.attempts >= p_max THEN 'dead'
                      ELSE 'pending' END,
        delivered_at = CASE WHEN p_status BETWEEN 200 AND 299 THEN now() END,
        next_at = now() + least(interval '1 hour', make_interval(secs => p_backoff_ms / 1000.0 * power(2, d.attempts - 1)))
    WHERE x.id = p_id RETURNING * INTO d;
    RETURN d.status;
END
$$;
