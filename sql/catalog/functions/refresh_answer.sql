-- refresh_answer: what refresh_rotate answers for a token t it renews (status
-- 'ok') or replays ('replay'): the officer, the sign-in's methods, the claims of a
-- new access token and what the officer must do first.
CREATE OR REPLACE FUNCTION daftar.refresh_answer(p_status text, t daftar.refresh_tokens) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('status', p_status, 'uid', t.uid, 'amr', to_jsonb(t.amr),
                              'claims', daftar.officer_claims(t.uid),
                              'must_change', (SELECT must_change FROM daftar.credentials WHERE uid = t.uid),
                              'otp_enrol', (SELECT daftar.totp_required(t.uid) AND NOT totp_enabled
                                            FROM daftar.credentials WHERE uid = t.uid))
$$;
REVOKE EXECUTE ON FUNCTION daftar.refresh_answer(text, daftar.refresh_tokens) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION daftar.refresh_answer(text, daftar.refresh_tokens) TO daftar_api;
