-- 0018_security_events_operator: the state's operator resets credentials too
-- (daftar officer reset-second-factor, reset-password: the state
-- administration, for officers no department admin may reset, security
-- review item 7), and the officer is told of those as well: an event by no
-- officer and in no department, and a password reset is one.
ALTER TABLE daftar.security_events ALTER COLUMN by_uid DROP NOT NULL, ALTER COLUMN dept DROP NOT NULL;
ALTER TABLE daftar.security_events DROP CONSTRAINT security_events_kind_check;
ALTER TABLE daftar.security_events ADD CONSTRAINT security_events_kind_check
    CHECK (kind IN ('second_factor_reset', 'password_reset'));
COMMENT ON COLUMN daftar.security_events.by_uid IS 'the officer who acted; null: the operator (command line)';
