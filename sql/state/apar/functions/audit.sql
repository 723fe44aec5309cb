-- audit: the function in force. `daftar migrate` re-applies this file when
-- it changes.
-- Appends who did what to which form, from which department and request.
CREATE OR REPLACE FUNCTION {schema}.audit(p_action text, p_subject text, p_detail jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO {schema}.audit (actor, dept, action, subject, request_id, client_addr, detail)
    VALUES (current_setting('daftar.officer_uid'), current_setting('daftar.dept'), p_action, p_subject,
            current_setting('daftar.request_id'), current_setting('daftar.client_addr'), p_detail)
$$;
