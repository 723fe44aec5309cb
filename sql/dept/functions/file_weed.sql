-- file_weed: the records officer weeds due file p_id on order p_order_ref
-- of officer p_ordered_by (department 0030), with their verified detached
-- CMS signature over weeding_hash (p_hash; NULL: 422, a weeding is
-- signed). The fact first: one weedings row, chained to the last (hash =
-- sha256(prev_hash || seq|at|file|manifest_hash|signed_hash|weeded_by|
-- fingerprint|sha256(cms))), then the content goes: the notes with their
-- signatures and flags, the documents' bytes (their names, sizes and
-- SHA-256 stay, as in the manifest). The file keeps its number, subject,
-- track and audit trail, weeded_at set. SECURITY DEFINER (the schema's
-- owner): the department's role may write no weeding record, and the guard
-- triggers let the deletions through only in the transaction that wrote
-- this file's record (weeding_now). 409 manifest-changed when the file
-- changed since the hash was signed.
CREATE OR REPLACE FUNCTION {schema}.file_weed(p_id uuid, p_order_ref text, p_ordered_by text, p_hash text,
                                              p_fingerprint text, p_subject text, p_issuer text, p_serial text,
                                              p_not_after timestamptz, p_signing_time timestamptz, p_cms bytea)
RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    f {schema}.files := {schema}.weeding_due_file(p_id);
    v_manifest jsonb := {schema}.weeding_manifest(f) || jsonb_build_object('order', jsonb_build_object(
                            'ref', p_order_ref, 'ordered_by', p_ordered_by));
    v_manifest_hash text;
    v_prev {schema}.weedings;
    w {schema}.weedings;
BEGIN
    IF p_hash IS NULL THEN
        RAISE EXCEPTION 'Weeding is signed: send the signature over weeding_hash.' USING ERRCODE = 'DF422';
    END IF;
    v_manifest_hash := encode(sha256(convert_to((v_manifest - 'order')::text, 'UTF8')), 'hex');
    IF p_hash <> {schema}.weeding_hash(v_manifest_hash, p_order_ref, p_ordered_by) THEN
        RAISE EXCEPTION 'The file changed since its manifest was signed.' USING ERRCODE = 'DF409',
            HINT = 'manifest-changed';
    END IF;
    LOCK TABLE {schema}.weedings IN SHARE ROW EXCLUSIVE MODE; -- one weeding at a time: the chain stays a line
    SELECT * INTO v_prev FROM {schema}.weedings ORDER BY seq DESC LIMIT 1;
    w.seq := coalesce(v_prev.seq, 0) + 1;
    w.at := now();
    w.prev_hash := coalesce(v_prev.hash, repeat('0', 64));
    INSERT INTO {schema}.weedings (seq, file_id, manifest, manifest_hash, order_ref, ordered_by, signed_hash, weeded_by, at,
                                   fingerprint, subject, issuer, serial, not_after, signing_time, cms, prev_hash, hash)
    VALUES (w.seq, p_id, v_manifest, v_manifest_hash, p_order_ref, p_ordered_by, p_hash, {schema}.me(), w.at,
            p_fingerprint, p_subject, p_issuer, p_serial, p_not_after, p_signing_time, p_cms, w.prev_hash,
            {schema}.weeding_chain_hash(w.prev_hash, w.seq, w.at, p_id, v_manifest_hash, p_hash, {schema}.me(),
                                        p_fingerprint, p_cms))
    RETURNING * INTO w;
    DELETE FROM {schema}.note_flags WHERE file_id = p_id;
    DELETE FROM {schema}.note_signatures WHERE file_id = p_id;
    DELETE FROM {schema}.notes WHERE file_id = p_id;
    UPDATE {schema}.documents SET content = ''::bytea, weeded_at = w.at WHERE file_id = p_id;
    UPDATE {schema}.files SET weeded_at = w.at, version = version + 1, updated_at = now() WHERE id = p_id;
    PERFORM {schema}.audit('file.weed', p_id, json_build_object('weeding', w.seq, 'order_ref', p_order_ref,
                                                                'ordered_by', p_ordered_by, 'hash', w.hash));
    RETURN {schema}.weeding_json(w);
END
$$;
