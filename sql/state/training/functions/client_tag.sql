-- client_tag: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The request's client as training keeps it: 16 hex digits of SHA-256 over
-- the network address and a salt the role may not read, enough to see many
-- completions come from one client, never the address itself.
CREATE OR REPLACE FUNCTION {schema}.client_tag() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT left(encode(sha256(convert_to(current_setting('daftar.client_addr') || '|' || s.value, 'UTF8')), 'hex'), 16)
    FROM {schema}.settings s WHERE s.name = 'client_salt'
$$;
