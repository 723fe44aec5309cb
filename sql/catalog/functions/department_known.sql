-- department_known: an active department has this code. What a
-- department's rules may ask of the registry (e-Dispatch: a letter's
-- addressee department), nothing else of it: departments' codes are
-- public anyway (GET /v1/departments).
CREATE OR REPLACE FUNCTION daftar.department_known(p_code text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM daftar.departments WHERE code = p_code AND status = 'active')
$$;
GRANT EXECUTE ON FUNCTION daftar.department_known(text) TO daftar_dept;
