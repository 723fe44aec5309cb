-- 0014_evidence: what is evidence cannot be rewritten by the department's
-- role (security review item 5). The audit trail, the file track, note
-- signatures and documents are append-only: the role loses UPDATE, DELETE
-- and TRUNCATE on them (documents keep UPDATE of file_id, to file a receipt's
-- letter), and guard triggers (functions/append_only.sql, documents_guard.sql)
-- refuse changes from anyone. Notes: the role may write drafts only; a note
-- becomes final, and its hash is computed, only inside notes_seal and
-- notes_rechain, which run as the schema's owner (functions/). lib/tenant/
-- admin.c checks these privileges after every migration (tables commented
-- 'append-only' or 'drafts-only').
REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_events, {schema}.movements, {schema}.note_signatures,
    {schema}.documents FROM {role};
GRANT UPDATE (file_id) ON {schema}.documents TO {role};
REVOKE INSERT, UPDATE, TRUNCATE ON {schema}.notes FROM {role};
GRANT INSERT (file_id, n, author, body, created_at, updated_at, prev_hash, hash) ON {schema}.notes TO {role};
GRANT UPDATE (n, body, updated_at) ON {schema}.notes TO {role};
COMMENT ON TABLE {schema}.audit_events IS 'append-only';
COMMENT ON TABLE {schema}.movements IS 'append-only';
COMMENT ON TABLE {schema}.note_signatures IS 'append-only';
COMMENT ON TABLE {schema}.documents IS 'append-only';
COMMENT ON TABLE {schema}.notes IS 'drafts-only';
