-- receipts_registered: a receipt starts with its registrar as its holder,
-- the first line of its track ('register') and the registrar's access row,
-- however it was registered (receipt_create, dak_acknowledge).
CREATE OR REPLACE FUNCTION {schema}.receipts_registered() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid)
    VALUES (NEW.id, 1, 'register', NEW.registered_by, NEW.registered_by);
    INSERT INTO {schema}.receipt_access (receipt_id, uid) VALUES (NEW.id, NEW.registered_by) ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER receipts_registered AFTER INSERT ON {schema}.receipts
    FOR EACH ROW EXECUTE FUNCTION {schema}.receipts_registered();
