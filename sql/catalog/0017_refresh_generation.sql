-- 0017_refresh_generation: a refresh token belongs to the token generation of
-- the officer it was issued in, and refreshes only while that generation is
-- the officer's (security review item 4). A reset or password change raises
-- the generation, so every family issued before it is dead, also the
-- successor a rotation in flight adds after the reset's revoking UPDATE has
-- looked (it inherits its family's generation), which revoked_at alone missed.
-- The tokens alive now keep working: they get the officer's generation.
ALTER TABLE daftar.refresh_tokens ADD COLUMN gen integer;
UPDATE daftar.refresh_tokens t SET gen = o.token_generation FROM daftar.officers o WHERE o.uid = t.uid;
ALTER TABLE daftar.refresh_tokens ALTER COLUMN gen SET NOT NULL;

-- A sign-in starts its family in the generation whose credentials it checked
-- (daftar.login_ok gains p_gen, sql/catalog/functions/login_ok.sql): a reset
-- between the check and the family's start leaves the family dead.
DROP FUNCTION daftar.login_ok(text, text, text[], integer, bigint);
