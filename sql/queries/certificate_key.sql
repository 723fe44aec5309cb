-- certificate_key: the public key of signing key $1, published or retired (certificates outlive
-- the access tokens a key signs), for checking a certificate's signature.
SELECT public_pem FROM daftar.signing_keys WHERE kid = $1
