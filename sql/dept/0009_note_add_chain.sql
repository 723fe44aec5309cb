-- 0009_note_add_chain: adding a note hashes only the new note (its previous
-- note's hash is already right); 0005 re-chained every draft on every add,
-- which made a long run of drafts quadratic. Edits and deletes still re-chain
-- from the changed note on.
-- History: the rule in force is sql/dept/functions/note_add.sql (`daftar migrate` applies it after the
-- migrations). Kept so that a new database runs the migrations as old ones did (0005 needs may_see).
CREATE OR REPLACE FUNCTION {schema}.note_add(p_id uuid, p_body text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    v_last {schema}.notes;
    x {schema}.notes;
BEGIN
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
    PERFORM {schema}.audit('note.add', p_id, json_build_object('n', x.n));
    RETURN {schema}.note_json(x);
END
$$;
