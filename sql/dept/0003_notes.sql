-- 0003_notes: the notesheet. A note is a draft (yellow note: editable and
-- deletable by its author while the author holds the file) until the file
-- moves on; then it becomes final (green note) and is chained: its hash
-- covers the previous final note's hash and its own canonical content. A
-- trigger refuses any change to a final note; notes/verify recomputes the
-- chain and reports the first broken link.

CREATE TABLE {schema}.notes (
    file_id uuid NOT NULL REFERENCES {schema}.files (id),
    n integer NOT NULL,
    author text NOT NULL,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finalized_at timestamptz,
    prev_hash text,
    hash text,
    CONSTRAINT notes_pkey PRIMARY KEY (file_id, n) DEFERRABLE INITIALLY IMMEDIATE
);

CREATE FUNCTION {schema}.note_text(x {schema}.notes) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', x.file_id, x.n, x.author,
                     to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     to_char(x.finalized_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), x.body)
$$;

CREATE FUNCTION {schema}.note_hash(p_prev text, x {schema}.notes) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(p_prev || {schema}.note_text(x), 'UTF8')), 'hex')
$$;

CREATE FUNCTION {schema}.notes_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'final' THEN
        RAISE EXCEPTION 'A final note never changes.' USING ERRCODE = 'DF409';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER notes_guard BEFORE UPDATE OR DELETE ON {schema}.notes FOR EACH ROW EXECUTE FUNCTION {schema}.notes_guard();

CREATE FUNCTION {schema}.note_json(x {schema}.notes) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('n', x.n, 'author', x.author, 'body', x.body, 'status', x.status,
                             'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'hash', x.hash)
$$;

-- The file if the caller holds it (for writing notes); raises otherwise.
CREATE FUNCTION {schema}.held_file(p_id uuid) RETURNS {schema}.files
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RAISE EXCEPTION 'No such file.' USING ERRCODE = 'DF404';
    END IF;
    IF f.holder <> {schema}.me() THEN
        RAISE EXCEPTION 'Only the current holder writes on the notesheet.' USING ERRCODE = 'DF403';
    END IF;
    IF f.status = 'closed' THEN
        RAISE EXCEPTION 'The file is closed.' USING ERRCODE = 'DF409';
    END IF;
    RETURN f;
END
$$;

-- History: the rule in force is sql/dept/functions/note_add.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE FUNCTION {schema}.note_add(p_id uuid, p_body text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
BEGIN
    INSERT INTO {schema}.notes (file_id, n, author, body)
    VALUES (p_id, coalesce((SELECT max(n) FROM {schema}.notes WHERE file_id = p_id), 0) + 1, {schema}.me(), p_body)
    RETURNING * INTO x;
    PERFORM {schema}.audit('note.add', p_id, json_build_object('n', x.n));
    RETURN {schema}.note_json(x);
END
$$;

-- History: the rule in force is sql/dept/functions/note_edit.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE FUNCTION {schema}.note_edit(p_id uuid, p_n integer, p_body text) RETURNS json
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
        PERFORM {schema}.audit('note.delete', p_id, json_build_object('n', p_n));
        RETURN json_build_object('deleted', p_n);
    END IF;
    UPDATE {schema}.notes SET body = p_body, updated_at = now() WHERE file_id = p_id AND n = p_n RETURNING * INTO x;
    PERFORM {schema}.audit('note.edit', p_id, json_build_object('n', p_n));
    RETURN {schema}.note_json(x);
END
$$;

-- Called when the file moves on: the drafts become final, chained in order.
CREATE FUNCTION {schema}.notes_finalize(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_prev text := coalesce((SELECT hash FROM {schema}.notes WHERE file_id = p_id AND status = 'final'
                             ORDER BY n DESC LIMIT 1), repeat('0', 64));
    x {schema}.notes;
BEGIN
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_id AND status = 'draft' ORDER BY n FOR UPDATE LOOP
        x.finalized_at := now();
        x.prev_hash := v_prev;
        x.hash := {schema}.note_hash(v_prev, x);
        UPDATE {schema}.notes SET status = 'final', finalized_at = x.finalized_at, prev_hash = x.prev_hash, hash = x.hash
        WHERE file_id = p_id AND n = x.n;
        v_prev := x.hash;
    END LOOP;
END
$$;

-- Recomputes the chain of final notes: {"ok", "checked", "first_broken"}.
CREATE FUNCTION {schema}.notes_verify(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    x {schema}.notes;
    v_prev text := repeat('0', 64);
    v_count integer := 0;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_id AND status = 'final' ORDER BY n LOOP
        v_count := v_count + 1;
        IF x.n <> v_count OR x.prev_hash IS DISTINCT FROM v_prev OR x.hash IS DISTINCT FROM {schema}.note_hash(v_prev, x) THEN
            RETURN json_build_object('ok', false, 'checked', v_count, 'first_broken', x.n);
        END IF;
        v_prev := x.hash;
    END LOOP;
    RETURN json_build_object('ok', true, 'checked', v_count, 'first_broken', NULL);
END
$$;

-- file_move finalizes the notesheet whenever the file changes hands or state.
CREATE OR REPLACE FUNCTION {schema}.files_finalize_notes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {schema}.notes_finalize(NEW.file_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER movements_finalize_notes AFTER INSERT ON {schema}.movements FOR EACH ROW
    WHEN (NEW.action <> 'create') EXECUTE FUNCTION {schema}.files_finalize_notes();

-- ({role} may use the schema's tables and functions by its default privileges (0001); lib/tenant/admin.c checks)
