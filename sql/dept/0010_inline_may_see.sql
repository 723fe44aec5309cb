-- 0010_inline_may_see: the visibility rules of 0002 and 0006, unchanged,
-- written so PostgreSQL can inline them. A SQL function whose body has a
-- sub-query (EXISTS) is never inlined: it runs through the SQL-function
-- executor, which parses and plans its body again on every statement that
-- calls it, and per row in a list. That was two thirds of the database time
-- of reading one file (bench/: 8,900 vs 28,900 transactions a second on the
-- same machine). The sub-queries now sit in plpgsql helpers, whose plans are
-- cached for the session, and are reached only when the cheap tests before
-- them have not decided.

-- The caller created or once held the file (file_access).
CREATE FUNCTION {schema}.held_before(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM {schema}.file_access a WHERE a.file_id = p_file AND a.uid = {schema}.me());
END
$$;

-- The caller may see the file a receipt was put into.
CREATE FUNCTION {schema}.may_see_file_of(p_file uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_file;
    RETURN FOUND AND {schema}.may_see(f);
END
$$;

-- The caller's clearance, second factor and network allow content of this classification.
CREATE FUNCTION {schema}.cleared_for(p_classification text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.clearance_rank(p_classification) <= current_setting('daftar.clearance')::int
       AND (p_classification IN ('unclassified', 'restricted')
            OR (current_setting('daftar.otp') = 't' AND current_setting('daftar.trusted') = 't'))
$$;

-- Records officers and dept admins read the department's unclassified and restricted papers.
CREATE FUNCTION {schema}.keeps_records(p_classification text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_classification IN ('unclassified', 'restricted')
       AND ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))
$$;

-- History: the rule in force is sql/dept/functions/may_see.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.may_see(f {schema}.files) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(f.classification)
       AND (f.holder = {schema}.me() OR {schema}.keeps_records(f.classification) OR {schema}.held_before(f.id))
$$;

-- History: the rule in force is sql/dept/functions/may_see_receipt.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.may_see_receipt(x {schema}.receipts) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(x.classification)
       AND (x.registered_by = {schema}.me() OR {schema}.keeps_records(x.classification)
            OR (x.file_id IS NOT NULL AND {schema}.may_see_file_of(x.file_id)))
$$;

-- ({role} may execute the new functions by the default privileges of 0001; lib/tenant/admin.c checks)
