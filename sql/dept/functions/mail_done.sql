-- mail_done: the mailer's outcome for a letter it claimed (mail_claim):
-- sent (p_error NULL): status sent, an event by the mailer, an audit event
-- (a letter cancelled meanwhile stays cancelled, with the fact it went
-- recorded); else the relay's answer is kept and the letter is tried again
-- after 2^attempts minutes, at most an hour.
CREATE OR REPLACE FUNCTION {schema}.mail_done(p_id uuid, p_error text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.dispatches;
BEGIN
    SELECT * INTO x FROM {schema}.dispatches WHERE id = p_id AND mode = 'email' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF p_error IS NOT NULL THEN
        UPDATE {schema}.dispatches SET mail_error = left(p_error, 500),
                                       mail_next_at = now() + least(interval '1 minute' * power(2, least(x.mail_attempts, 6)),
                                                                    interval '1 hour')
        WHERE id = p_id;
        PERFORM {schema}.audit('dispatch.mail_failed', x.file_id, json_build_object('dispatch', x.id, 'number',
                                                                                  x.dispatch_number, 'attempts',
                                                                                  x.mail_attempts));
        RETURN;
    END IF;
    UPDATE {schema}.dispatches SET mail_error = NULL, mail_sent_at = now(), mail_next_at = NULL,
                                   status = CASE WHEN status = 'issued' THEN 'sent' ELSE status END,
                                   status_at = CASE WHEN status = 'issued' THEN now() ELSE status_at END,
                                   version = CASE WHEN status = 'issued' THEN version + 1 ELSE version END
    WHERE id = p_id;
    IF x.status = 'issued' THEN
        INSERT INTO {schema}.dispatch_events (dispatch_id, seq, status, by_uid, remarks)
        SELECT p_id, max(e.seq) + 1, 'sent', {schema}.me(), 'e-mail to ' || (x.addressee ->> 'email')
        FROM {schema}.dispatch_events e WHERE e.dispatch_id = p_id;
    END IF;
    PERFORM {schema}.audit('dispatch.sent', x.file_id, json_build_object('dispatch', x.id, 'number', x.dispatch_number,
                                                                       'email', x.addressee ->> 'email',
                                                                       'attempts', x.mail_attempts));
END
$$;
