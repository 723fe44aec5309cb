-- completeness: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The custodian's completeness report of cycle p_cycle: members of the
-- department with no form, forms with no full chain (never mapped, or an
-- authority recused), authorities who are the officer or hold two levels
-- of one chain, and forms whose period is under 90 days (no report).
CREATE OR REPLACE FUNCTION {schema}.completeness(p_cycle uuid) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c {schema}.cycles;
BEGIN
    SELECT * INTO c FROM {schema}.cycles x WHERE x.id = p_cycle;
    IF NOT FOUND OR NOT {schema}.custodian_of(c.dept) THEN
        RAISE EXCEPTION 'No such APAR cycle.' USING ERRCODE = 'DF404';
    END IF;
    RETURN json_build_object(
        'cycle', c.id,
        'without_form', coalesce((SELECT json_agg(m.uid ORDER BY m.uid) FROM daftar.memberships m
                                  JOIN daftar.officers o ON o.uid = m.uid AND o.status = 'active'
                                  WHERE m.dept = c.dept AND NOT EXISTS (SELECT 1 FROM {schema}.forms f
                                                                        WHERE f.cycle = c.id AND f.uid = m.uid)), '[]'),
        'without_chain', coalesce((SELECT json_agg(json_build_object('form', f.id, 'uid', f.uid,
                                                                     'missing', array_remove(ARRAY[
                                                                         CASE WHEN f.reporting IS NULL THEN 'reporting' END,
                                                                         CASE WHEN f.reviewing IS NULL THEN 'reviewing' END,
                                                                         CASE WHEN f.accepting IS NULL THEN 'accepting' END],
                                                                         NULL)) ORDER BY f.uid)
                                   FROM {schema}.forms f WHERE f.cycle = c.id AND f.stage <> 'no_report'
                                     AND (f.reporting IS NULL OR f.reviewing IS NULL OR f.accepting IS NULL)), '[]'),
        'authority_is_officer', coalesce((SELECT json_agg(f.id) FROM {schema}.forms f WHERE f.cycle = c.id
                                            AND f.uid IN (f.reporting, f.reviewing, f.accepting)), '[]'),
        'two_levels', coalesce((SELECT json_agg(f.id) FROM {schema}.forms f WHERE f.cycle = c.id
                                  AND (f.reporting IN (f.reviewing, f.accepting) OR f.reviewing = f.accepting)), '[]'),
        'no_report', coalesce((SELECT json_agg(json_build_object('form', f.id, 'uid', f.uid, 'reason', f.no_report_reason)
                                               ORDER BY f.uid)
                               FROM {schema}.forms f WHERE f.cycle = c.id AND f.stage = 'no_report'), '[]'),
        'recusals', coalesce((SELECT json_agg(json_build_object('form', r.form, 'level', r.level, 'by', r.by_uid,
                                                                'reason', r.reason, 'at', r.at) ORDER BY r.id)
                              FROM {schema}.recusals r JOIN {schema}.forms f ON f.id = r.form WHERE f.cycle = c.id), '[]'));
END
$$;
