-- mail_claim: for the mailer (officer 'mailer'), the e-mail letter of this
-- department due first, leased for 10 minutes (mail_next_at moves ahead,
-- mail_attempts counts the try), so that a mailer that dies while sending
-- leaves it to another after the lease (it may then go twice: at least
-- once). Returns what to send, or no row.
CREATE OR REPLACE FUNCTION {schema}.mail_claim()
RETURNS TABLE (id uuid, email text, name text, dispatch_number text, subject text, body text, filename text, content bytea)
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches;
BEGIN
    SELECT * INTO x FROM {schema}.dispatches y
    WHERE y.mode = 'email' AND y.status = 'issued' AND y.mail_next_at <= now()
    ORDER BY y.mail_next_at LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE {schema}.dispatches y SET mail_next_at = now() + interval '10 minutes', mail_attempts = y.mail_attempts + 1
    WHERE y.id = x.id;
    RETURN QUERY
    SELECT x.id, x.addressee ->> 'email', x.addressee ->> 'name', x.dispatch_number, x.subject, d.body, doc.filename,
           doc.content
    FROM {schema}.drafts d JOIN {schema}.documents doc ON doc.id = x.document_id
    WHERE d.id = x.draft_id AND NOT doc.encrypted;
END
$$;
