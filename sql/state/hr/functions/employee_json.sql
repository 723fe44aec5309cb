-- employee_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- An officer's service particulars as the API shows them.
CREATE OR REPLACE FUNCTION {schema}.employee_json(e {schema}.employees) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('uid', e.uid, 'service', e.service, 'cadre', e.cadre, 'post', e.post,
                             'pay_level', e.pay_level, 'date_of_birth', e.date_of_birth,
                             'date_of_joining', e.date_of_joining, 'superannuation', e.superannuation,
                             'phone', e.phone, 'email', e.email, 'version', e.version, 'updated_at', e.updated_at)
$$;
