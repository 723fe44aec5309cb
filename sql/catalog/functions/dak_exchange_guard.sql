-- dak_exchange_guard: a letter in the exchange never changes and never
-- goes away; its recipient acknowledges it once (receipt, who, when), and
-- the hand-off daftar signed over that is stored once. Whoever tries (the
-- department roles also lack the privileges, catalog 0026).
CREATE OR REPLACE FUNCTION daftar.dak_exchange_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND to_jsonb(NEW) - ARRAY['receipt_id', 'receipt_number', 'acknowledged_by', 'acknowledged_at', 'handoff']
           = to_jsonb(OLD) - ARRAY['receipt_id', 'receipt_number', 'acknowledged_by', 'acknowledged_at', 'handoff']
       AND (OLD.acknowledged_at IS NULL
            OR (NEW.receipt_id, NEW.receipt_number, NEW.acknowledged_by, NEW.acknowledged_at)
               IS NOT DISTINCT FROM (OLD.receipt_id, OLD.receipt_number, OLD.acknowledged_by, OLD.acknowledged_at))
       AND (OLD.handoff IS NULL OR NEW.handoff IS NOT DISTINCT FROM OLD.handoff) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'A letter in the exchange is acknowledged once and never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER dak_exchange_guard BEFORE UPDATE OR DELETE ON daftar.dak_exchange
    FOR EACH ROW EXECUTE FUNCTION daftar.dak_exchange_guard();
CREATE OR REPLACE TRIGGER dak_exchange_no_truncate BEFORE TRUNCATE ON daftar.dak_exchange
    FOR EACH STATEMENT EXECUTE FUNCTION daftar.dak_exchange_guard();
