-- note_add: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003, 0005, 0009.
-- 0009_note_add_chain: adding a note hashes only the new note (its previous
-- note's hash is already right); 0005 re-chained every draft on every add,
-- which made a long run of drafts quadratic. Edits and deletes still re-chain
-- from the changed note on. With an Idempotency-Key (p_key, and p_request_hash of
-- the request) a retry answers the first note again instead of adding a second.
DROP FUNCTION IF EXISTS {schema}.note_add(uuid, text);
CREATE OR REPLACE FUNCTION {schema}.note_add(p_id uuid, p_body text, p_key text DEFAULT NULL,
                                             p_request_hash text DEFAULT NULL) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_done json := {schema}.idempotency_replay(p_key, p_request_hash);
    f {schema}.files;
    v_last {schema}.notes;
    x {schema}.notes;
    v_out json;
BEGIN
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'note', v_done);
    END IF;
    f := {schema}.held_file(p_id);
    SELECT * INTO v_last FROM {schema}.notes WHERE file_id = p_id ORDER BY n DESC LIMIT 1;
    x.file_id := p_id;
    x.n := coalesce(v_last.n, 0) + 1;
    x.author := {schema}.me();
    x.body := p_body;
    x.created_at := now();
    x.prev_hash := coalesce(v_last.hash, repeat('0', 64));
    x.hash := {schema}.note_hash(x.prev_hash, x);
    INSERT INTO {schema}.notes (file_id, n, author, body, created_at, updated_at, prev_hash, hash)
    VALUES (x.file_id, x.n, x.author, x.body, x.created_at, x.created_at, x.prev_hash, x.hash)
    RETURNING * INTO x;
    PERFORM {schema}.audit('note.add', p_id, json_strip_nulls(json_build_object(
        'n', x.n, 'on_behalf_of', nullif(f.holder, {schema}.me())))); -- written under an acting charge
    v_out := {schema}.note_json(x);
    PERFORM {schema}.idempotency_keep(p_key, p_request_hash, v_out);
    RETURN json_build_object('replayed', false, 'note', v_out);
END
$$;
