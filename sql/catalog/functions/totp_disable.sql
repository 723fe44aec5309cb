-- totp_disable: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0004.
-- A dept_admin of the officer's home department removes the officer's second
-- factor (security review items 4 and 7), and only with powers strictly
-- above the officer's: never their own; never another dept_admin (equal
-- powers, or wider where the caller does not administer); an hr_admin only
-- of departments the caller administers as dept_admin; no officer cleared
-- above the caller; and not from a department where the officer merely
-- holds a membership. Every refresh token of the officer is revoked and
-- older access tokens stop (token generation; catalog 0017 makes every
-- family of an older generation dead, also one started in flight), so a
-- token taken before the reset cannot enrol another authenticator; the
-- officer sees the reset in GET /v1/me (security_events). A dept_admin is
-- reset by the state's operator: daftar officer reset-second-factor.
CREATE OR REPLACE FUNCTION daftar.totp_disable(p_target text, p_dept text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_caller text := current_setting('daftar.officer_uid', true);
    v_home text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM daftar.memberships WHERE uid = v_caller AND dept = p_dept AND 'dept_admin' = ANY (roles)) THEN
        RAISE EXCEPTION 'Only the department''s administrators may do this.' USING ERRCODE = 'DF403';
    END IF;
    SELECT o.home_dept INTO v_home FROM daftar.officers o JOIN daftar.memberships m ON m.uid = o.uid AND m.dept = p_dept
    WHERE o.uid = p_target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such officer in this department.' USING ERRCODE = 'DF404';
    END IF;
    IF p_target = v_caller THEN
        RAISE EXCEPTION 'Nobody resets their own second factor; ask another administrator.' USING ERRCODE = 'DF403';
    END IF;
    IF v_home IS DISTINCT FROM p_dept THEN
        RAISE EXCEPTION 'Only the administrators of the officer''s home department may reset its second factor.'
            USING ERRCODE = 'DF403';
    END IF;
    IF EXISTS (SELECT 1 FROM daftar.memberships t WHERE t.uid = p_target AND 'dept_admin' = ANY (t.roles)) THEN
        RAISE EXCEPTION 'A dept_admin''s second factor is reset by the state''s operator, not by another administrator.'
            USING ERRCODE = 'DF403';
    END IF;
    IF EXISTS (SELECT 1 FROM daftar.memberships t
               WHERE t.uid = p_target AND 'hr_admin' = ANY (t.roles)
                 AND NOT EXISTS (SELECT 1 FROM daftar.memberships c
                                 WHERE c.uid = v_caller AND c.dept = t.dept AND 'dept_admin' = ANY (c.roles))) THEN
        RAISE EXCEPTION 'The officer administers a department you do not administer.' USING ERRCODE = 'DF403';
    END IF;
    IF (SELECT daftar.clearance_rank(clearance) FROM daftar.officers WHERE uid = p_target)
       > (SELECT daftar.clearance_rank(clearance) FROM daftar.officers WHERE uid = v_caller) THEN
        RAISE EXCEPTION 'The officer is cleared above you.' USING ERRCODE = 'DF403';
    END IF;
    UPDATE daftar.credentials SET totp_enabled = false, totp_secret = NULL WHERE uid = p_target;
    UPDATE daftar.officers SET token_generation = token_generation + 1, generation_changed_at = now() WHERE uid = p_target;
    UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE uid = p_target AND revoked_at IS NULL;
    INSERT INTO daftar.security_events (uid, kind, by_uid, dept) VALUES (p_target, 'second_factor_reset', v_caller, p_dept);
    PERFORM pg_notify('daftar_revocations', p_target);
    RETURN 'ok';
END
$$;
