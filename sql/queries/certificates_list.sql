-- certificates_list: the caller's registered certificates.
SELECT json_build_object('items', coalesce(json_agg(daftar.certificate_json(c)), '[]'::json))
FROM daftar.certificates_mine() c
