-- 0002_files: e-File — files, who may see them, their movements, and the
-- department's hash-chained audit trail.
--
-- Object-level rules live here, in SQL, so a list can never show what the
-- item route refuses. They read the transaction's settings, which the server
-- sets from the verified token for every request:
--   daftar.officer_uid  the caller            daftar.clearance  0..3
--   daftar.roles        ',officer,...,' in this department
--   daftar.otp          't' when signed in with a second factor
--   daftar.trusted      't' when the request comes from a trusted network

CREATE FUNCTION {schema}.clearance_rank(p text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['unclassified', 'restricted', 'confidential', 'secret'], p) - 1
$$;

CREATE FUNCTION {schema}.me() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT current_setting('daftar.officer_uid') $$;

CREATE FUNCTION {schema}.has_role(p text) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT position(',' || p || ',' IN current_setting('daftar.roles')) > 0 $$;

-- Gapless numbers per year: the counter row is locked until the creating transaction ends.
CREATE TABLE {schema}.file_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE {schema}.files (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    file_number text NOT NULL UNIQUE,
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    category text NOT NULL DEFAULT '' CHECK (length(category) <= 100),
    section text NOT NULL CHECK (section ~ '^[A-Z0-9][A-Z0-9-]{0,15}$'),
    classification text NOT NULL CHECK (classification IN ('unclassified', 'restricted', 'confidential', 'secret')),
    priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'immediate', 'most_immediate')),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'parked', 'closed')),
    created_by text NOT NULL,
    holder text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX files_holder ON {schema}.files (holder, updated_at DESC, id);
CREATE INDEX files_subject ON {schema}.files USING gin (to_tsvector('simple', subject || ' ' || file_number));

-- Everyone who created or ever held a file: they keep seeing it.
CREATE TABLE {schema}.file_access (
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    uid text NOT NULL,
    PRIMARY KEY (uid, file_id)
);

CREATE TABLE {schema}.movements (
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    seq integer NOT NULL,
    action text NOT NULL CHECK (action IN ('create', 'forward', 'return', 'recall', 'park', 'close', 'reopen')),
    from_uid text NOT NULL,
    to_uid text NOT NULL,
    remarks text NOT NULL DEFAULT '' CHECK (length(remarks) <= 2000),
    due_date date,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, seq)
);

CREATE TABLE {schema}.idempotency (
    key text NOT NULL,
    uid text NOT NULL,
    request_hash text NOT NULL,
    response json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (uid, key)
);

CREATE TABLE {schema}.audit_events (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    uid text NOT NULL,
    action text NOT NULL,
    object_id uuid,
    client text NOT NULL,
    request_id text NOT NULL,
    detail json NOT NULL DEFAULT '{}',
    prev_hash text NOT NULL,
    hash text NOT NULL
);

-- Appends an audit event chained to the previous one: hash = sha256(prev_hash || canonical text).
-- The last event is locked, so concurrent writers chain one after another.
CREATE FUNCTION {schema}.audit(p_action text, p_object uuid, p_detail json) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_prev {schema}.audit_events;
    v_seq bigint;
    v_prev_hash text;
    v_text text;
    v_at timestamptz := now();
BEGIN
    SELECT * INTO v_prev FROM {schema}.audit_events ORDER BY seq DESC LIMIT 1 FOR UPDATE;
    v_seq := coalesce(v_prev.seq, 0) + 1;
    v_prev_hash := coalesce(v_prev.hash, repeat('0', 64));
    v_text := concat_ws('|', v_seq, to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), {schema}.me(),
                        p_action, coalesce(p_object::text, ''), current_setting('daftar.client_addr'),
                        current_setting('daftar.request_id'), p_detail::text);
    INSERT INTO {schema}.audit_events (seq, at, uid, action, object_id, client, request_id, detail, prev_hash, hash)
    VALUES (v_seq, v_at, {schema}.me(), p_action, p_object, current_setting('daftar.client_addr'),
            current_setting('daftar.request_id'), p_detail, v_prev_hash,
            encode(sha256(convert_to(v_prev_hash || v_text, 'UTF8')), 'hex'));
END
$$;

-- The rule: who may see a file. Unclassified and restricted: its creator,
-- holder, past holders, and the department's records officers and admins.
-- Confidential and secret: only creator, holder and past holders, and only
-- with a second factor from a trusted network. Nobody above their clearance.
-- History: the rule in force is sql/dept/functions/may_see.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE FUNCTION {schema}.may_see(f {schema}.files) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.clearance_rank(f.classification) <= current_setting('daftar.clearance')::int
       AND (f.classification IN ('unclassified', 'restricted')
            OR (current_setting('daftar.otp') = 't' AND current_setting('daftar.trusted') = 't'))
       AND (f.holder = {schema}.me()
            OR EXISTS (SELECT 1 FROM {schema}.file_access a WHERE a.file_id = f.id AND a.uid = {schema}.me())
            OR (f.classification IN ('unclassified', 'restricted')
                AND ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin'))))
$$;

-- History: the rule in force is sql/dept/functions/file_json.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE FUNCTION {schema}.file_json(f {schema}.files) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', f.id, 'file_number', f.file_number, 'subject', f.subject, 'category', f.category,
                             'section', f.section, 'classification', f.classification, 'priority', f.priority,
                             'status', f.status, 'created_by', f.created_by, 'holder', f.holder,
                             'created_at', to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'version', f.version)
$$;

CREATE FUNCTION {schema}.file_create(p_subject text, p_category text, p_section text, p_classification text,
                                     p_priority text, p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_year integer := extract(year FROM now() AT TIME ZONE 'Asia/Kolkata');
    v_n integer;
    v_done {schema}.idempotency;
    f {schema}.files;
    v_out json;
BEGIN
    IF p_key IS NOT NULL THEN
        SELECT * INTO v_done FROM {schema}.idempotency WHERE uid = {schema}.me() AND key = p_key;
        IF FOUND THEN
            IF v_done.request_hash <> p_request_hash THEN
                RAISE EXCEPTION 'This Idempotency-Key was used with a different request.' USING ERRCODE = 'DF422';
            END IF;
            RETURN json_build_object('replayed', true, 'file', v_done.response);
        END IF;
    END IF;
    IF {schema}.clearance_rank(p_classification) > current_setting('daftar.clearance')::int THEN
        RAISE EXCEPTION 'You cannot create a file above your clearance.' USING ERRCODE = 'DF403';
    END IF;
    INSERT INTO {schema}.file_counters AS c (year, last) VALUES (v_year, 1)
    ON CONFLICT (year) DO UPDATE SET last = c.last + 1
    RETURNING last INTO v_n;
    INSERT INTO {schema}.files (file_number, subject, category, section, classification, priority, created_by, holder)
    VALUES (upper(replace(current_user, 'dept_', '')) || '/' || p_section || '/' || v_year || '/' || lpad(v_n::text, 5, '0'),
            p_subject, p_category, p_section, p_classification, p_priority, {schema}.me(), {schema}.me())
    RETURNING * INTO f;
    INSERT INTO {schema}.file_access (file_id, uid) VALUES (f.id, {schema}.me());
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid) VALUES (f.id, 1, 'create', {schema}.me(), {schema}.me());
    v_out := {schema}.file_json(f);
    IF p_key IS NOT NULL THEN
        INSERT INTO {schema}.idempotency (key, uid, request_hash, response) VALUES (p_key, {schema}.me(), p_request_hash, v_out);
    END IF;
    PERFORM {schema}.audit('file.create', f.id, json_build_object('file_number', f.file_number));
    RETURN json_build_object('replayed', false, 'file', v_out);
END
$$;

-- One file if the caller may see it (reads of confidential and secret files are audited).
CREATE FUNCTION {schema}.file_get(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    IF f.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('file.read', f.id, '{}');
    END IF;
    RETURN {schema}.file_json(f);
END
$$;

-- Movements. Only the holder acts, except recall: the officer who forwarded
-- the file takes it back while the receiver has not acted on it.
CREATE FUNCTION {schema}.file_move(p_id uuid, p_version integer, p_action text, p_to text, p_remarks text, p_due date)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    v_last {schema}.movements;
    v_to text;
    v_status text;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    IF f.version <> p_version THEN
        RAISE EXCEPTION 'The file has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    SELECT * INTO v_last FROM {schema}.movements WHERE file_id = p_id ORDER BY seq DESC LIMIT 1;
    IF p_action = 'recall' THEN
        IF NOT (v_last.action IN ('forward', 'return') AND v_last.from_uid = {schema}.me()) THEN
            RAISE EXCEPTION 'Only the sender may recall, and only before the receiver acts.' USING ERRCODE = 'DF409';
        END IF;
    ELSIF f.holder <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the current holder can act on the file.' USING ERRCODE = 'DF403';
    END IF;
    v_status := f.status;
    v_to := {schema}.me();
    CASE p_action
        WHEN 'forward' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be forwarded.' USING ERRCODE = 'DF409';
            END IF;
            IF p_to IS NULL OR p_to = {schema}.me() THEN
                RAISE EXCEPTION 'Forward to another officer.' USING ERRCODE = 'DF422';
            END IF;
            IF coalesce((SELECT clearance FROM daftar.dept_members WHERE uid = p_to), -1)
               < {schema}.clearance_rank(f.classification) THEN
                RAISE EXCEPTION 'The receiver is not an officer of this department cleared for this file.' USING ERRCODE = 'DF422';
            END IF;
            v_to := p_to;
        WHEN 'return' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be returned.' USING ERRCODE = 'DF409';
            END IF;
            SELECT from_uid INTO v_to FROM {schema}.movements
            WHERE file_id = p_id AND to_uid = {schema}.me() AND action IN ('forward', 'return') ORDER BY seq DESC LIMIT 1;
            IF v_to IS NULL THEN
                RAISE EXCEPTION 'Nobody sent you this file.' USING ERRCODE = 'DF409';
            END IF;
        WHEN 'recall' THEN
            v_to := {schema}.me();
        WHEN 'park' THEN
            IF f.status <> 'open' THEN
                RAISE EXCEPTION 'Only an open file can be parked.' USING ERRCODE = 'DF409';
            END IF;
            v_status := 'parked';
        WHEN 'close' THEN
            IF f.status = 'closed' THEN
                RAISE EXCEPTION 'The file is closed already.' USING ERRCODE = 'DF409';
            END IF;
            IF NOT ({schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')) THEN
                RAISE EXCEPTION 'Closing a file needs a section officer or above.' USING ERRCODE = 'DF403';
            END IF;
            v_status := 'closed';
        WHEN 'reopen' THEN
            IF f.status = 'open' THEN
                RAISE EXCEPTION 'The file is open already.' USING ERRCODE = 'DF409';
            END IF;
            v_status := 'open';
        ELSE
            RAISE EXCEPTION 'Unknown action.' USING ERRCODE = 'DF422';
    END CASE;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, due_date)
    VALUES (p_id, coalesce(v_last.seq, 0) + 1, p_action, {schema}.me(), v_to, coalesce(p_remarks, ''), p_due);
    INSERT INTO {schema}.file_access (file_id, uid) VALUES (p_id, v_to) ON CONFLICT DO NOTHING;
    UPDATE {schema}.files SET holder = v_to, status = v_status, version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.' || p_action, p_id, json_build_object('to', v_to));
    RETURN {schema}.file_json(f);
END
$$;

-- ({role} may use the schema's tables and functions by its default privileges (0001), and reaches the
-- catalog's dept_members as a member of daftar_dept (catalog 0012); lib/tenant/admin.c checks)
