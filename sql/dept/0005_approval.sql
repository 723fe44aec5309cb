-- 0005_approval: digital signatures on notes, approve / reject, file edits.
--
-- A note's hash no longer covers the moment it became final, so a draft has
-- its hash before it is final: the officer signs that hash (a detached CMS
-- signature over the 64 hex characters), and signing makes the note and the
-- drafts before it final. Drafts are re-chained whenever one is added,
-- edited or deleted. (Final notes written under 0003's hash would no longer
-- verify; there are none outside test clusters.)
CREATE OR REPLACE FUNCTION {schema}.note_text(x {schema}.notes) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', x.file_id, x.n, x.author,
                     to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), x.body)
$$;

-- Recomputes prev_hash and hash of the drafts of a file, in order after the last final note.
CREATE FUNCTION {schema}.notes_rechain(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_prev text := coalesce((SELECT hash FROM {schema}.notes WHERE file_id = p_id AND status = 'final'
                             ORDER BY n DESC LIMIT 1), repeat('0', 64));
    x {schema}.notes;
BEGIN
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_id AND status = 'draft' ORDER BY n FOR UPDATE LOOP
        x.prev_hash := v_prev;
        x.hash := {schema}.note_hash(v_prev, x);
        UPDATE {schema}.notes SET prev_hash = x.prev_hash, hash = x.hash WHERE file_id = p_id AND n = x.n;
        v_prev := x.hash;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION {schema}.notes_finalize(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {schema}.notes_rechain(p_id);
    UPDATE {schema}.notes SET status = 'final', finalized_at = now() WHERE file_id = p_id AND status = 'draft';
END
$$;

-- Adding, editing and deleting drafts: as in 0003, then the drafts are re-chained.
-- History: the rule in force is sql/dept/functions/note_add.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.note_add(p_id uuid, p_body text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    INSERT INTO {schema}.notes (file_id, n, author, body)
    VALUES (p_id, coalesce((SELECT max(n) FROM {schema}.notes WHERE file_id = p_id), 0) + 1, {schema}.me(), p_body)
    RETURNING * INTO x;
    PERFORM {schema}.notes_rechain(p_id);
    PERFORM {schema}.audit('note.add', p_id, json_build_object('n', x.n));
    RETURN (SELECT {schema}.note_json(y) FROM {schema}.notes y WHERE y.file_id = p_id AND y.n = x.n);
END
$$;

-- History: the rule in force is sql/dept/functions/note_edit.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.note_edit(p_id uuid, p_n integer, p_body text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    SELECT * INTO x FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
    IF NOT FOUND OR (x.status = 'draft' AND x.author <> {schema}.me()) THEN
        RAISE EXCEPTION 'No such note.' USING ERRCODE = 'DF404';
    END IF;
    IF x.status = 'final' THEN
        RAISE EXCEPTION 'A final note never changes.' USING ERRCODE = 'DF409';
    END IF;
    IF p_body IS NULL THEN
        DELETE FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
        SET CONSTRAINTS {schema}.notes_pkey DEFERRED;
        UPDATE {schema}.notes SET n = n - 1 WHERE file_id = p_id AND n > p_n;  -- drafts only follow finals
        SET CONSTRAINTS {schema}.notes_pkey IMMEDIATE;
        PERFORM {schema}.notes_rechain(p_id);
        PERFORM {schema}.audit('note.delete', p_id, json_build_object('n', p_n));
        RETURN json_build_object('deleted', p_n);
    END IF;
    UPDATE {schema}.notes SET body = p_body, updated_at = now() WHERE file_id = p_id AND n = p_n;
    PERFORM {schema}.notes_rechain(p_id);
    PERFORM {schema}.audit('note.edit', p_id, json_build_object('n', p_n));
    RETURN (SELECT {schema}.note_json(y) FROM {schema}.notes y WHERE y.file_id = p_id AND y.n = p_n);
END
$$;

-- Signatures: one per note, by its author, never changed.
CREATE TABLE {schema}.note_signatures (
    file_id uuid NOT NULL,
    n integer NOT NULL,
    uid text NOT NULL,
    hash text NOT NULL,
    fingerprint text NOT NULL,
    subject text NOT NULL,
    issuer text NOT NULL,
    serial text NOT NULL,
    not_after timestamptz NOT NULL,
    signing_time timestamptz,
    verified_at timestamptz NOT NULL DEFAULT now(),
    cms bytea NOT NULL,
    PRIMARY KEY (file_id, n)
);

CREATE FUNCTION {schema}.signatures_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'A signature never changes.' USING ERRCODE = 'DF409';
END
$$;
CREATE TRIGGER note_signatures_guard BEFORE UPDATE OR DELETE ON {schema}.note_signatures
    FOR EACH ROW EXECUTE FUNCTION {schema}.signatures_guard();

CREATE FUNCTION {schema}.signature_json(s {schema}.note_signatures) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signer', s.uid, 'subject', s.subject, 'issuer', s.issuer, 'serial', s.serial,
                             'fingerprint', s.fingerprint, 'hash', s.hash,
                             'signing_time', to_char(s.signing_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'verified_at', to_char(s.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'certificate_valid_until', to_char(s.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;

CREATE OR REPLACE FUNCTION {schema}.note_json(x {schema}.notes) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('n', x.n, 'author', x.author, 'body', x.body, 'status', x.status,
                             'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'hash', x.hash,
                             'signature', (SELECT {schema}.signature_json(s) FROM {schema}.note_signatures s
                                           WHERE s.file_id = x.file_id AND s.n = x.n))
$$;

-- What the author signs: the note's hash, with the author's registered certificates (DER, base64).
CREATE FUNCTION {schema}.note_to_sign(p_id uuid, p_n integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    SELECT * INTO x FROM {schema}.notes WHERE file_id = p_id AND n = p_n;
    IF NOT FOUND OR (x.status = 'draft' AND x.author <> {schema}.me()) THEN
        RAISE EXCEPTION 'No such note.' USING ERRCODE = 'DF404';
    END IF;
    IF x.author <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the author signs a note.' USING ERRCODE = 'DF403';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.note_signatures WHERE file_id = p_id AND n = p_n) THEN
        RAISE EXCEPTION 'This note is signed already.' USING ERRCODE = 'DF409';
    END IF;
    RETURN json_build_object('hash', x.hash, 'certificates',
                             coalesce((SELECT json_agg(translate(encode(c.der, 'base64'), E'\n', ''))
                                       FROM daftar.certificates_mine() c), '[]'::json));
END
$$;

-- Stores a signature the server verified over p_hash; the note (and drafts before it) become final.
CREATE FUNCTION {schema}.note_sign(p_id uuid, p_n integer, p_hash text, p_fingerprint text, p_subject text,
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
        RAISE EXCEPTION 'The note changed while it was being signed; sign it again.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.note_signatures (file_id, n, uid, hash, fingerprint, subject, issuer, serial, not_after,
                                          signing_time, cms)
    VALUES (p_id, p_n, {schema}.me(), p_hash, p_fingerprint, p_subject, p_issuer, p_serial, p_not_after,
            p_signing_time, p_cms)
    RETURNING * INTO s;
    UPDATE {schema}.notes SET status = 'final', finalized_at = now()
    WHERE file_id = p_id AND status = 'draft' AND n <= p_n;
    PERFORM {schema}.audit('note.sign', p_id, json_build_object('n', p_n, 'fingerprint', p_fingerprint));
    RETURN {schema}.signature_json(s);
END
$$;

-- A stored signature with what the server needs to verify it again.
CREATE FUNCTION {schema}.note_signature(p_id uuid, p_n integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signature', {schema}.signature_json(s), 'note_hash', x.hash,
                             'cms', translate(encode(s.cms, 'base64'), E'\n', ''),
                             'certificate', (SELECT translate(encode(c.der, 'base64'), E'\n', '')
                                             FROM daftar.certificates c WHERE c.fingerprint = s.fingerprint))
    FROM {schema}.files f
    JOIN {schema}.notes x ON x.file_id = f.id AND x.n = p_n
    JOIN {schema}.note_signatures s ON s.file_id = x.file_id AND s.n = x.n
    WHERE f.id = p_id AND {schema}.may_see(f)
$$;

-- Decisions: approve needs the approver's own signed note as the file's latest note;
-- reject needs remarks. The file stays with the officer who decided.
ALTER TABLE {schema}.files ADD COLUMN decision text CHECK (decision IN ('approved', 'rejected')),
    ADD COLUMN decided_by text, ADD COLUMN decided_at timestamptz;
ALTER TABLE {schema}.movements DROP CONSTRAINT movements_action_check,
    ADD CONSTRAINT movements_action_check
        CHECK (action IN ('create', 'forward', 'return', 'recall', 'park', 'close', 'reopen', 'approve', 'reject'));
ALTER TABLE {schema}.movements ADD COLUMN note integer;

-- History: the rule in force is sql/dept/functions/file_json.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.file_json(f {schema}.files) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject, 'category', f.category,
                             'section', f.section, 'classification', f.classification, 'priority', f.priority,
                             'status', f.status, 'created_by', f.created_by, 'holder', f.holder,
                             'decision', f.decision, 'decided_by', f.decided_by,
                             'decided_at', to_char(f.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'created_at', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', f.version)
$$;

-- The open file the caller holds at the version they read, locked; raises otherwise.
CREATE FUNCTION {schema}.held_version(p_id uuid, p_version integer) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
BEGIN
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The file has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    IF f.status <> 'open' THEN
        RAISE EXCEPTION 'Only an open file can be changed.' USING ERRCODE = 'DF409';
    END IF;
    RETURN f;
END
$$;

CREATE FUNCTION {schema}.file_decide(p_id uuid, p_version integer, p_action text, p_remarks text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_version(p_id, p_version);
    v_note {schema}.notes;
    v_seq integer := (SELECT max(seq) FROM {schema}.movements WHERE file_id = p_id);
BEGIN
    IF p_action = 'approve' THEN
        SELECT * INTO v_note FROM {schema}.notes WHERE file_id = p_id ORDER BY n DESC LIMIT 1;
        IF NOT FOUND OR v_note.author <> {schema}.me() OR NOT EXISTS (
                SELECT 1 FROM {schema}.note_signatures s WHERE s.file_id = p_id AND s.n = v_note.n) THEN
            RAISE EXCEPTION 'Approval needs your digitally signed note as the last note of the file.' USING ERRCODE = 'DF422';
        END IF;
    ELSIF coalesce(p_remarks, '') = '' THEN
        RAISE EXCEPTION 'Say why the proposal is rejected (remarks).' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, note)
    VALUES (p_id, v_seq + 1, p_action, {schema}.me(), {schema}.me(), coalesce(p_remarks, ''), v_note.n);
    UPDATE {schema}.files SET decision = CASE p_action WHEN 'approve' THEN 'approved' ELSE 'rejected' END,
                              decided_by = {schema}.me(), decided_at = now(), version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.' || p_action, p_id, json_build_object('note', v_note.n));
    RETURN {schema}.file_json(f);
END
$$;

-- The holder edits subject, category or priority of an open file (NULL keeps a value).
CREATE FUNCTION {schema}.file_update(p_id uuid, p_version integer, p_subject text, p_category text, p_priority text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_version(p_id, p_version);
BEGIN
    UPDATE {schema}.files SET subject = coalesce(p_subject, subject), category = coalesce(p_category, category),
                              priority = coalesce(p_priority, priority), version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.edit', p_id,
                           json_strip_nulls(json_build_object('subject', p_subject, 'category', p_category,
                                                              'priority', p_priority)));
    RETURN {schema}.file_json(f);
END
$$;

-- ({role} may use the schema's tables and functions by its default privileges (0001), and reaches the
-- catalog's certificates as a member of daftar_dept (catalog 0012); lib/tenant/admin.c checks)
