-- webhook_create: the calling service account (daftar.officer_uid is its
-- client id) registers an endpoint; the server checked the URL, the types
-- against its scopes, and sealed the secret it made. At most 10 a client.
CREATE OR REPLACE FUNCTION {schema}.webhook_create(p_url text, p_types text[], p_secret_sealed text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    w {schema}.webhooks;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('{schema}.webhooks'), hashtext({schema}.me()));
    IF (SELECT count(*) FROM {schema}.webhooks x WHERE x.client_id = {schema}.me() AND x.deleted_at IS NULL) >= 10 THEN
        RAISE EXCEPTION 'A service account has at most 10 endpoints.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.webhooks (client_id, url, types, secret_sealed)
    VALUES ({schema}.me(), p_url, p_types, p_secret_sealed) RETURNING * INTO w;
    PERFORM {schema}.audit('webhook.create', w.id, json_build_object('url', w.url, 'types', w.types));
    RETURN {schema}.webhook_json(w);
END
$$;
