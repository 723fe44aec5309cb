-- handover: the section officer or dept_admin hands a leaving officer's
-- pending work to a successor in one step (department 0029): every file
-- p_from holds that is not closed and every receipt they hold that is not
-- filed moves to p_to, an active member of the department cleared for the
-- highest of them (422 otherwise, and nothing moves). Each gets a
-- 'handover' line in its track (the actor, on behalf of p_from), a new
-- version; the successor keeps seeing them (access rows); one handovers
-- row and one audit event record it all. SECURITY DEFINER (the schema's
-- owner, past row-level security): the actor need not see each file.
CREATE OR REPLACE FUNCTION {schema}.handover(p_from text, p_to text, p_reason text, p_remarks text) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_files uuid[];
    v_receipts uuid[];
    v_need integer;
    v_clear integer;
    v_id uuid;
    f record;
BEGIN
    IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
        RAISE EXCEPTION 'A hand-over is ordered by the section officer or dept_admin.'
            USING ERRCODE = 'DF403', HINT = 'needs-approving-role';
    END IF;
    IF p_from = p_to THEN
        RAISE EXCEPTION 'Hand over to another officer.' USING ERRCODE = 'DF422', HINT = 'forward-to-self';
    END IF;
    -- the leaving officer's work, locked so that nothing moves meanwhile
    SELECT coalesce(array_agg(id ORDER BY id), '{}'), coalesce(max({schema}.clearance_rank(classification)), -1)
    INTO v_files, v_need
    FROM (SELECT id, classification FROM {schema}.files WHERE holder = p_from AND status <> 'closed' FOR UPDATE) x;
    SELECT coalesce(array_agg(id ORDER BY id), '{}'), greatest(v_need, coalesce(max({schema}.clearance_rank(classification)), -1))
    INTO v_receipts, v_need
    FROM (SELECT id, classification FROM {schema}.receipts WHERE holder = p_from AND file_id IS NULL FOR UPDATE) x;
    SELECT array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], o.clearance) - 1 INTO v_clear
    FROM daftar.officers o JOIN daftar.memberships m ON m.uid = o.uid
    WHERE o.uid = p_to AND m.dept = substr('{schema}'::regnamespace::text, 6) AND o.status = 'active';
    IF v_clear IS NULL OR v_clear < v_need THEN
        RAISE EXCEPTION 'The successor is not an active officer of this department cleared for all of this work.'
            USING ERRCODE = 'DF422', HINT = 'receiver-not-cleared';
    END IF;
    FOR f IN SELECT x.id, (SELECT max(seq) FROM {schema}.movements m WHERE m.file_id = x.id) AS seq
             FROM unnest(v_files) x(id) LOOP
        INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, on_behalf_of)
        VALUES (f.id, f.seq + 1, 'handover', {schema}.me(), p_to, coalesce(p_remarks, ''), p_from);
        INSERT INTO {schema}.file_access (file_id, uid) VALUES (f.id, p_to) ON CONFLICT DO NOTHING;
        PERFORM {schema}.timer_cancel('file_due', f.id);
        UPDATE {schema}.files SET holder = p_to, version = version + 1, updated_at = now(), overdue_since = NULL
        WHERE id = f.id;
    END LOOP;
    INSERT INTO {schema}.receipt_movements (receipt_id, seq, action, from_uid, to_uid, remarks, on_behalf_of)
    SELECT x.id, (SELECT max(seq) + 1 FROM {schema}.receipt_movements m WHERE m.receipt_id = x.id), 'handover',
           {schema}.me(), p_to, coalesce(p_remarks, ''), p_from
    FROM unnest(v_receipts) x(id);
    INSERT INTO {schema}.receipt_access (receipt_id, uid) SELECT x.id, p_to FROM unnest(v_receipts) x(id) ON CONFLICT DO NOTHING;
    UPDATE {schema}.receipts SET holder = p_to, version = version + 1, updated_at = now() WHERE id = ANY (v_receipts);
    INSERT INTO {schema}.handovers (from_uid, to_uid, reason, remarks, files, receipts, ordered_by)
    VALUES (p_from, p_to, p_reason, coalesce(p_remarks, ''), v_files, v_receipts, {schema}.me())
    RETURNING id INTO v_id;
    PERFORM {schema}.audit('handover', v_id, json_build_object('from', p_from, 'to', p_to, 'reason', p_reason,
                                                              'files', cardinality(v_files),
                                                              'receipts', cardinality(v_receipts)));
    RETURN json_build_object('id', v_id, 'from', p_from, 'to', p_to, 'reason', p_reason, 'remarks', coalesce(p_remarks, ''),
                             'ordered_by', {schema}.me(),
                             'files', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'file_number', x.file_number)
                                                                ORDER BY x.file_number), '[]')
                                       FROM {schema}.files x WHERE x.id = ANY (v_files)),
                             'receipts', (SELECT coalesce(json_agg(json_build_object('id', x.id,
                                                                                     'receipt_number', x.receipt_number)
                                                                   ORDER BY x.receipt_number), '[]')
                                          FROM {schema}.receipts x WHERE x.id = ANY (v_receipts)));
END
$$;
