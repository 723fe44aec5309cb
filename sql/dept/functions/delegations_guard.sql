-- delegations_guard: a delegation is never deleted, and changes only by its
-- one revocation (revoked_at, revoked_by), whoever tries.
CREATE OR REPLACE FUNCTION {schema}.delegations_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
       AND (NEW.id, NEW.delegator, NEW.delegate, NEW.valid_from, NEW.valid_until, NEW.reason, NEW.created_at)
           IS NOT DISTINCT FROM (OLD.id, OLD.delegator, OLD.delegate, OLD.valid_from, OLD.valid_until, OLD.reason,
                                 OLD.created_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'A delegation changes only by its revocation.' USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER delegations_guard BEFORE UPDATE OR DELETE ON {schema}.delegations
    FOR EACH ROW EXECUTE FUNCTION {schema}.delegations_guard();
CREATE OR REPLACE TRIGGER delegations_no_truncate BEFORE TRUNCATE ON {schema}.delegations
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.delegations_guard();
