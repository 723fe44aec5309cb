-- 0020_dispatch_mail: e-Dispatch letters by e-mail. An e-mail dispatch is
-- sent by the server's mailer (lib/dispatch/mailer.c), off the event loops,
-- through the configured SMTP relay with the letter's PDF attached: it
-- claims a due one (a lease: mail_next_at moves ahead while it sends),
-- sends it, and records the outcome here: sent (status sent, an event, an
-- audit event), or the relay's refusal with a retry after a backoff that
-- doubles up to an hour. The partial index is what the mailer's scan
-- (daftar.mail_due_departments) probes.
ALTER TABLE {schema}.dispatches ADD COLUMN IF NOT EXISTS mail_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS mail_next_at timestamptz,
    ADD COLUMN IF NOT EXISTS mail_error text CHECK (length(mail_error) <= 500),
    ADD COLUMN IF NOT EXISTS mail_sent_at timestamptz;
CREATE INDEX IF NOT EXISTS dispatches_mail_due ON {schema}.dispatches (mail_next_at)
    WHERE mode = 'email' AND status = 'issued';
