-- idempotency_expire: removes the keys kept longer than p_seconds (the
-- timers thread, every minute at most, with idempotency_ttl_s); how many.
CREATE OR REPLACE FUNCTION daftar.idempotency_expire(p_seconds integer) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
    WITH gone AS (DELETE FROM daftar.idempotency WHERE created_at < now() - make_interval(secs => p_seconds) RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
GRANT EXECUTE ON FUNCTION daftar.idempotency_expire(integer) TO daftar_api;
