-- dak_delivered: when a department acknowledges a letter another sent it
-- (daftar.dak_exchange's acknowledged_at set, once: dak_exchange_guard), the
-- sender's outbox gets dispatch.delivered (its SSE streams and webhooks).
-- The acknowledgement runs as the receiving department's role, which may
-- not write the sender's schema and still may not: this trigger function
-- runs as the catalog's owner and does one thing there, call the sender's
-- dispatch_delivered_publish for that letter's dispatch. A trigger function
-- cannot be called directly, and nobody has EXECUTE on it.
CREATE OR REPLACE FUNCTION daftar.dak_delivered() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_schema text := 'dept_' || NEW.sender;
BEGIN
    IF to_regprocedure(quote_ident(v_schema) || '.dispatch_delivered_publish(uuid)') IS NOT NULL THEN
        EXECUTE format('SELECT %I.dispatch_delivered_publish($1)', v_schema) USING NEW.dispatch_id;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION daftar.dak_delivered() FROM PUBLIC;
CREATE OR REPLACE TRIGGER dak_delivered AFTER UPDATE OF acknowledged_at ON daftar.dak_exchange
    FOR EACH ROW WHEN (OLD.acknowledged_at IS NULL AND NEW.acknowledged_at IS NOT NULL)
    EXECUTE FUNCTION daftar.dak_delivered();
