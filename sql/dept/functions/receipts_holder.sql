-- receipts_holder: a receipt's first holder is whoever registered it (department 0025).
CREATE OR REPLACE FUNCTION {schema}.receipts_holder() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.holder := coalesce(NEW.holder, NEW.registered_by);
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER receipts_holder BEFORE INSERT ON {schema}.receipts
    FOR EACH ROW EXECUTE FUNCTION {schema}.receipts_holder();
