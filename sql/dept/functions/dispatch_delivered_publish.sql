-- dispatch_delivered_publish: the live event dispatch.delivered of a letter,
-- to who issued it and who wrote it. dispatch_status calls it for a letter
-- by post or hand; for a letter to another department the catalog's trigger
-- daftar.dak_delivered calls it when that department acknowledges, as the
-- catalog's owner (SECURITY DEFINER there): the receiving department's role
-- gains no right on this schema, and this is all that runs in it.
CREATE OR REPLACE FUNCTION {schema}.dispatch_delivered_publish(p_dispatch uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches;
BEGIN
    SELECT * INTO x FROM {schema}.dispatches y WHERE y.id = p_dispatch;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN {schema}.event_publish('dispatch.delivered', x.id,
                                  ARRAY[x.issued_by, (SELECT d.author FROM {schema}.drafts d WHERE d.id = x.draft_id)],
                                  jsonb_build_object('dispatch_id', x.id, 'number', x.dispatch_number, 'file_id', x.file_id));
END
$$;
