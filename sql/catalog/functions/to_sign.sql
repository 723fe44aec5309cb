-- to_sign: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- What a family's to-sign statement answers (lib/kit/kit.h, signed
-- writes): the hash the caller signs, with the caller's registered
-- certificates (DER, base64). One shape for notes, draft approvals and
-- APAR parts.
CREATE OR REPLACE FUNCTION daftar.to_sign(p_hash text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('hash', p_hash, 'certificates',
                             coalesce((SELECT json_agg(translate(encode(c.der, 'base64'), E'\n', ''))
                                       FROM daftar.certificates_mine() c), '[]'::json))
$$;
GRANT EXECUTE ON FUNCTION daftar.to_sign(text) TO daftar_dept;
