-- weedings_verify: recomputes the weeding records' chain and each record's
-- manifest hash (department 0030): {"ok", "checked", "first_broken"}.
-- Records officers and dept_admins (403 needs-records-officer otherwise).
CREATE OR REPLACE FUNCTION {schema}.weedings_verify() RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    w {schema}.weedings;
    v_prev text := repeat('0', 64);
    v_count integer := 0;
BEGIN
    PERFORM {schema}.record_keeper();
    FOR w IN SELECT * FROM {schema}.weedings ORDER BY seq LOOP
        v_count := v_count + 1;
        IF w.seq <> v_count OR w.prev_hash <> v_prev
           OR w.manifest -> 'order' IS DISTINCT FROM jsonb_build_object('ref', w.order_ref, 'ordered_by', w.ordered_by)
           OR w.manifest_hash <> encode(sha256(convert_to((w.manifest - 'order')::text, 'UTF8')), 'hex')
           OR w.signed_hash <> {schema}.weeding_hash(w.manifest_hash, w.order_ref, w.ordered_by)
           OR w.hash <> {schema}.weeding_chain_hash(w.prev_hash, w.seq, w.at, w.file_id, w.manifest_hash, w.signed_hash,
                                                    w.weeded_by, w.fingerprint, w.cms) THEN
            RETURN json_build_object('ok', false, 'checked', v_count, 'first_broken', w.seq);
        END IF;
        v_prev := w.hash;
    END LOOP;
    RETURN json_build_object('ok', true, 'checked', v_count, 'first_broken', NULL);
END
$$;
