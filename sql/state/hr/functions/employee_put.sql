-- employee_put: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The establishment writes an officer's particulars: p_version NULL makes
-- them (refused when they exist), else replaces that version. The policies
-- would refuse the same; the checks here answer 404 rather than a privilege
-- error. New particulars start the officer's leave account. Returns the
-- record and its version (the ETag).
CREATE OR REPLACE FUNCTION {schema}.employee_put(p_uid text, p_version integer, p_service text, p_cadre text, p_post text,
                                                 p_pay_level integer, p_dob date, p_doj date, p_phone text, p_email text)
RETURNS TABLE (employee json, version integer, created boolean)
LANGUAGE plpgsql AS $$
DECLARE
    e {schema}.employees;
    v_superannuation date := {schema}.superannuation(p_dob);
BEGIN
    IF NOT {schema}.establishes(p_uid) THEN
        RAISE EXCEPTION 'No such officer in this department, or you do not keep their records.' USING ERRCODE = 'DF404';
    END IF;
    IF p_uid = current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Your own records are kept by another officer of the establishment.' USING ERRCODE = 'DF403', HINT = 'own-records';
    END IF;
    IF p_doj > v_superannuation THEN
        RAISE EXCEPTION 'date_of_joining is after the date of superannuation.' USING ERRCODE = 'DF422', HINT = 'joining-after-superannuation';
    END IF;
    IF p_version IS NULL THEN
        INSERT INTO {schema}.employees (uid, service, cadre, post, pay_level, date_of_birth, date_of_joining, superannuation,
                                        phone, email, updated_by)
        VALUES (p_uid, p_service, p_cadre, p_post, p_pay_level, p_dob, p_doj, v_superannuation, p_phone, p_email,
                current_setting('daftar.officer_uid'))
        ON CONFLICT (uid) DO NOTHING RETURNING * INTO e;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'This officer''s particulars exist; send If-Match with their ETag to change them.'
                USING ERRCODE = 'DF428';
        END IF;
        PERFORM {schema}.leave_credit_start(p_uid); -- the current period's leave, and the periodic credits' timer
    ELSE
        UPDATE {schema}.employees x SET service = p_service, cadre = p_cadre, post = p_post, pay_level = p_pay_level,
                                        date_of_birth = p_dob, date_of_joining = p_doj, superannuation = v_superannuation,
                                        phone = p_phone, email = p_email, version = x.version + 1,
                                        updated_by = current_setting('daftar.officer_uid'), updated_at = now()
        WHERE x.uid = p_uid AND x.version = p_version RETURNING * INTO e;
        IF NOT FOUND THEN
            IF EXISTS (SELECT FROM {schema}.employees x WHERE x.uid = p_uid) THEN
                RAISE EXCEPTION 'The particulars changed since you read them; read them again.' USING ERRCODE = 'DF412';
            END IF;
            RAISE EXCEPTION 'This officer has no particulars yet; send them without If-Match.' USING ERRCODE = 'DF412';
        END IF;
    END IF;
    PERFORM {schema}.audit_append(CASE WHEN p_version IS NULL THEN 'employee.create' ELSE 'employee.update' END, p_uid,
                           jsonb_build_object('version', e.version));
    RETURN QUERY SELECT {schema}.employee_json(e), e.version, p_version IS NULL;
END
$$;
