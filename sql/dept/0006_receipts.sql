-- 0006_receipts: the inward register. A receipt records a letter that came
-- in (sender, dates, mode, subject) with its scanned document, under a
-- diary number without gaps per department and year (FIN/R/2026/00001).
-- Its registrar sees it; records officers and admins see unclassified and
-- restricted ones; once put into a file, whoever may see the file sees it.
CREATE TABLE {schema}.receipt_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE {schema}.receipts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    receipt_number text NOT NULL UNIQUE,
    sender text NOT NULL CHECK (length(sender) BETWEEN 1 AND 300),
    letter_number text NOT NULL DEFAULT '' CHECK (length(letter_number) <= 100),
    letter_date date,
    received_on date NOT NULL,
    mode text NOT NULL CHECK (mode IN ('post', 'hand', 'email', 'courier', 'portal', 'fax')),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    classification text NOT NULL CHECK (classification IN ('unclassified', 'restricted', 'confidential', 'secret')),
    registered_by text NOT NULL,
    file_id uuid REFERENCES {schema}.files (id),
    filed_by text,
    filed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipts_registered ON {schema}.receipts (registered_by, created_at DESC);
CREATE INDEX receipts_file ON {schema}.receipts (file_id);

ALTER TABLE {schema}.documents ALTER COLUMN file_id DROP NOT NULL,
    ADD COLUMN receipt_id uuid REFERENCES {schema}.receipts (id),
    ADD CONSTRAINT documents_owner CHECK (file_id IS NOT NULL OR receipt_id IS NOT NULL);
CREATE UNIQUE INDEX documents_receipt ON {schema}.documents (receipt_id) WHERE receipt_id IS NOT NULL;

-- History: the rule in force is sql/dept/functions/may_see_receipt.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE FUNCTION {schema}.may_see_receipt(x {schema}.receipts) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.clearance_rank(x.classification) <= current_setting('daftar.clearance')::int
       AND (x.classification IN ('unclassified', 'restricted')
            OR (current_setting('daftar.otp') = 't' AND current_setting('daftar.trusted') = 't'))
       AND (x.registered_by = {schema}.me()
            OR (x.classification IN ('unclassified', 'restricted')
                AND ({schema}.has_role('records_officer') OR {schema}.has_role('dept_admin')))
            OR EXISTS (SELECT 1 FROM {schema}.files f WHERE f.id = x.file_id AND {schema}.may_see(f)))
$$;

CREATE FUNCTION {schema}.receipt_json(x {schema}.receipts) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', x.id, 'receipt_number', x.receipt_number, 'sender', x.sender,
                             'letter_number', x.letter_number, 'letter_date', x.letter_date,
                             'received_on', x.received_on, 'mode', x.mode, 'subject', x.subject,
                             'classification', x.classification, 'registered_by', x.registered_by,
                             'file_id', x.file_id, 'filed_by', x.filed_by,
                             'filed_at', to_char(x.filed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'document', (SELECT {schema}.document_json(d) FROM {schema}.documents d WHERE d.receipt_id = x.id))
$$;

CREATE FUNCTION {schema}.receipt_create(p_sender text, p_letter_number text, p_letter_date date, p_received_on date,
                                        p_mode text, p_subject text, p_classification text, p_key text,
                                        p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_year integer := extract(year FROM v_today);
    v_key text := 'receipt:' || p_key;
    v_done {schema}.idempotency;
    v_n integer;
    x {schema}.receipts;
    v_out json;
BEGIN
    IF p_key IS NOT NULL THEN
        SELECT * INTO v_done FROM {schema}.idempotency WHERE uid = {schema}.me() AND key = v_key;
        IF FOUND THEN
            IF v_done.request_hash <> p_request_hash THEN
                RAISE EXCEPTION 'This Idempotency-Key was used with a different request.' USING ERRCODE = 'DF422';
            END IF;
            RETURN json_build_object('replayed', true, 'receipt', v_done.response);
        END IF;
    END IF;
    IF {schema}.clearance_rank(p_classification) > current_setting('daftar.clearance')::int THEN
        RAISE EXCEPTION 'You cannot register a receipt above your clearance.' USING ERRCODE = 'DF403';
    END IF;
    IF coalesce(p_received_on, v_today) > v_today OR p_letter_date > coalesce(p_received_on, v_today) THEN
        RAISE EXCEPTION 'A letter cannot be dated or received in the future, or received before it was written.'
            USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.receipt_counters AS c (year, last) VALUES (v_year, 1)
    ON CONFLICT (year) DO UPDATE SET last = c.last + 1
    RETURNING last INTO v_n;
    INSERT INTO {schema}.receipts (receipt_number, sender, letter_number, letter_date, received_on, mode, subject,
                                   classification, registered_by)
    VALUES (upper(replace(current_user, 'dept_', '')) || '/R/' || v_year || '/' || lpad(v_n::text, 5, '0'),
            p_sender, coalesce(p_letter_number, ''), p_letter_date, coalesce(p_received_on, v_today), p_mode,
            p_subject, p_classification, {schema}.me())
    RETURNING * INTO x;
    v_out := {schema}.receipt_json(x);
    IF p_key IS NOT NULL THEN
        INSERT INTO {schema}.idempotency (key, uid, request_hash, response) VALUES (v_key, {schema}.me(), p_request_hash, v_out);
    END IF;
    PERFORM {schema}.audit('receipt.create', x.id, json_build_object('receipt_number', x.receipt_number));
    RETURN json_build_object('replayed', false, 'receipt', v_out);
END
$$;

-- A receipt the caller may see (reads of confidential ones are audited); NULL otherwise.
CREATE FUNCTION {schema}.receipt_get(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RETURN NULL;
    END IF;
    IF x.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('receipt.read', x.id, '{}');
    END IF;
    RETURN {schema}.receipt_json(x);
END
$$;

-- The classification of a receipt its registrar may still attach the document to.
CREATE FUNCTION {schema}.held_receipt_classification(p_id uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    IF x.registered_by <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the officer who registered the receipt attaches its document.' USING ERRCODE = 'DF403';
    END IF;
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409';
    END IF;
    RETURN x.classification;
END
$$;

CREATE FUNCTION {schema}.receipt_document_add(p_id uuid, p_filename text, p_type text, p_size bigint, p_sha256 text,
                                              p_encrypted boolean, p_content bytea) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_class text := {schema}.held_receipt_classification(p_id);
    d {schema}.documents;
BEGIN
    IF v_class IN ('confidential', 'secret') AND NOT p_encrypted THEN
        RAISE EXCEPTION 'Confidential documents must be encrypted.' USING ERRCODE = 'DF422';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.documents WHERE receipt_id = p_id) THEN
        RAISE EXCEPTION 'The receipt has its document already.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.documents (receipt_id, filename, content_type, size, sha256, encrypted, content, uploaded_by)
    VALUES (p_id, p_filename, p_type, p_size, p_sha256, p_encrypted, p_content, {schema}.me())
    RETURNING * INTO d;
    PERFORM {schema}.audit('receipt.document', p_id, json_build_object('document', d.id, 'sha256', d.sha256));
    RETURN {schema}.document_json(d);
END
$$;

CREATE FUNCTION {schema}.receipt_document_read(p_id uuid) RETURNS {schema}.documents
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    d {schema}.documents;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM {schema}.documents WHERE receipt_id = p_id;
    IF FOUND AND x.classification IN ('confidential', 'secret') THEN
        PERFORM {schema}.audit('document.read', p_id, json_build_object('document', d.id));
    END IF;
    RETURN d;
END
$$;

-- The holder of a file puts a receipt they may see into it, with its document.
CREATE FUNCTION {schema}.receipt_file(p_id uuid, p_file uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    x {schema}.receipts;
    f {schema}.files;
BEGIN
    SELECT * INTO x FROM {schema}.receipts WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see_receipt(x) THEN
        RAISE EXCEPTION 'No such receipt.' USING ERRCODE = 'DF404';
    END IF;
    f := {schema}.held_file(p_file);
    IF x.file_id IS NOT NULL THEN
        RAISE EXCEPTION 'The receipt is in a file already.' USING ERRCODE = 'DF409';
    END IF;
    IF {schema}.clearance_rank(x.classification) > {schema}.clearance_rank(f.classification) THEN
        RAISE EXCEPTION 'A receipt goes only into a file classified at least as high.' USING ERRCODE = 'DF422';
    END IF;
    UPDATE {schema}.receipts SET file_id = p_file, filed_by = {schema}.me(), filed_at = now() WHERE id = p_id
    RETURNING * INTO x;
    UPDATE {schema}.documents SET file_id = p_file WHERE receipt_id = p_id;
    UPDATE {schema}.files SET updated_at = now() WHERE id = p_file;
    PERFORM {schema}.audit('receipt.file', p_file, json_build_object('receipt', p_id));
    RETURN {schema}.receipt_json(x);
END
$$;

-- ({role} may use the schema's tables and functions by its default privileges (0001); lib/tenant/admin.c checks)
