-- login_record: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0002, 0005.
CREATE OR REPLACE FUNCTION daftar.login_record(p_uid text, p_ok boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_addr text := coalesce(current_setting('daftar.client_addr', true), '');
BEGIN
    UPDATE daftar.credentials SET
        failed_count = CASE WHEN p_ok THEN 0 ELSE failed_count + 1 END,
        locked_until = CASE WHEN p_ok THEN NULL
                            WHEN failed_count + 1 >= 5
                            THEN now() + least(interval '1 hour', interval '1 minute' * power(2, failed_count + 1 - 5))
                            ELSE locked_until END,
        last_login_at = CASE WHEN p_ok THEN now() ELSE last_login_at END
    WHERE uid = p_uid;
    IF NOT p_ok AND v_addr <> '' THEN
        INSERT INTO daftar.address_failures (addr, minute, failures) VALUES (v_addr, date_trunc('minute', now()), 1)
        ON CONFLICT (addr, minute) DO UPDATE SET failures = daftar.address_failures.failures + 1;
        IF random() < 0.02 THEN
            DELETE FROM daftar.address_failures WHERE minute < now() - interval '1 hour';
        END IF;
    END IF;
END
$$;
