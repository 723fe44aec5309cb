-- certificates_mine: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0009.
-- The calling officer's certificates (department roles reach them only through this).
CREATE OR REPLACE FUNCTION daftar.certificates_mine() RETURNS SETOF daftar.certificates
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT * FROM daftar.certificates WHERE uid = current_setting('daftar.officer_uid', true) ORDER BY registered_at
$$;
