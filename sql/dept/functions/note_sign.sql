-- note_sign: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- Stores a signature the server verified over p_hash; the note (and drafts before it) become final.
CREATE OR REPLACE FUNCTION {schema}.note_sign(p_id uuid, p_n integer, p_hash text, p_fingerprint text, p_subject text,
                                   p_issuer text, p_serial text, p_not_after timestamptz, p_signing_time timestamptz,
                                   p_cms bytea) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
    s {schema}.note_signatures;
BEGIN
    SELECT * INTO x FROM {schema}.notes WHERE file_id = p_id AND n = p_n FOR UPDATE;
    IF NOT FOUND OR x.author <> {schema}.me() THEN
        RAISE EXCEPTION 'No such note.' USING ERRCODE = 'DF404';
    END IF;
    IF x.hash IS DISTINCT FROM p_hash THEN
        RAISE EXCEPTION 'The note changed while it was being signed; sign it again.'
            USING ERRCODE = 'DF409', HINT = 'note-changed-while-signing';
    END IF;
    INSERT INTO {schema}.note_signatures (file_id, n, uid, hash, fingerprint, subject, issuer, serial, not_after,
                                          signing_time, cms)
    VALUES (p_id, p_n, {schema}.me(), p_hash, p_fingerprint, p_subject, p_issuer, p_serial, p_not_after,
            p_signing_time, p_cms)
    RETURNING * INTO s;
    PERFORM {schema}.notes_seal(p_id, p_n);
    PERFORM {schema}.audit('note.sign', p_id, json_build_object('n', p_n, 'fingerprint', p_fingerprint));
    RETURN {schema}.signature_json(s);
END
$$;
