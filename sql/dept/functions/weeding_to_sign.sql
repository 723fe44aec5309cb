-- weeding_to_sign: what the records officer signs to weed file p_id on
-- order p_order_ref of officer p_ordered_by (weeding_hash), with their
-- registered certificates; raises as file_weed would (weeding_due_file),
-- and 422 when p_ordered_by is not an active officer of the department.
CREATE OR REPLACE FUNCTION {schema}.weeding_to_sign(p_id uuid, p_order_ref text, p_ordered_by text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.weeding_due_file(p_id);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM daftar.dept_members m WHERE m.uid = p_ordered_by) THEN
        RAISE EXCEPTION 'A weeding is ordered by an active officer of this department.' USING ERRCODE = 'DF422';
    END IF;
    RETURN daftar.to_sign({schema}.weeding_hash(encode(sha256(convert_to({schema}.weeding_manifest(f)::text, 'UTF8')), 'hex'),
                                                p_order_ref, p_ordered_by));
END
$$;
