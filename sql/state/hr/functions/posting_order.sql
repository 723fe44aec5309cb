-- posting_order: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The establishment of the request's department orders a posting,
-- transfer or promotion of one of its officers (not themselves) to a
-- department (the same one for a promotion in place), effective on a date.
CREATE OR REPLACE FUNCTION {schema}.posting_order(p_uid text, p_kind text, p_to_dept text, p_designation text,
                                                  p_roles text[], p_order_no text, p_effective date)
RETURNS TABLE (posting json, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p {schema}.postings;
BEGIN
    IF NOT {schema}.establishes(p_uid) THEN
        RAISE EXCEPTION 'No such officer in this department, or you do not keep their records.' USING ERRCODE = 'DF404';
    END IF;
    IF p_uid = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Your own posting is ordered by another officer.' USING ERRCODE = 'DF403', HINT = 'own-posting';
    END IF;
    IF NOT EXISTS (SELECT FROM daftar.departments d WHERE d.code = p_to_dept AND d.status = 'active') THEN
        RAISE EXCEPTION 'to_dept names no active department.' USING ERRCODE = 'DF422', HINT = 'posting-department-unknown';
    END IF;
    IF p_roles && ARRAY['dept_admin', 'hr_admin', 'training_admin'] THEN
        RAISE EXCEPTION 'A posting gives roles other than dept_admin, hr_admin and training_admin.' USING ERRCODE = 'DF422', HINT = 'posting-roles-not-allowed';
    END IF;
    IF EXISTS (SELECT FROM {schema}.postings x WHERE x.uid = p_uid AND x.status IN ('ordered', 'relieved')) THEN
        RAISE EXCEPTION 'This officer has a posting order not yet carried out.' USING ERRCODE = 'DF409', HINT = 'posting-pending';
    END IF;
    INSERT INTO {schema}.postings (uid, kind, from_dept, to_dept, designation, roles, order_no, effective, ordered_by)
    VALUES (p_uid, p_kind, current_setting('daftar.dept'), p_to_dept, p_designation, p_roles, p_order_no, p_effective,
            current_setting('daftar.officer_uid'))
    RETURNING * INTO p;
    PERFORM {schema}.audit_append('posting.order', p_uid, jsonb_build_object('posting', p.id, 'to_dept', p_to_dept));
    RETURN QUERY SELECT {schema}.posting_json(p), p.version;
END
$$;
