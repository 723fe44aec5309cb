-- append_only: refuses any change to evidence: audit events and chains, movements (the
-- file track) and note signatures, whoever tries (security review item 5;
-- the department's role also lacks the privileges, 0014_evidence).
CREATE OR REPLACE FUNCTION {schema}.append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: a record of what happened never changes.', TG_TABLE_NAME USING ERRCODE = 'DF409';
END
$$;
CREATE OR REPLACE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON {schema}.audit_events
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON {schema}.audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER audit_chains_append_only BEFORE UPDATE OR DELETE ON {schema}.audit_chains
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON {schema}.audit_chains
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON {schema}.movements
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER movements_no_truncate BEFORE TRUNCATE ON {schema}.movements
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER note_signatures_no_truncate BEFORE TRUNCATE ON {schema}.note_signatures
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER documents_no_truncate BEFORE TRUNCATE ON {schema}.documents
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- e-Dispatch: approvals of draft letters (0018) and the dispatch register's evidence.
CREATE OR REPLACE TRIGGER draft_approvals_append_only BEFORE UPDATE OR DELETE ON {schema}.draft_approvals
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER draft_approvals_no_truncate BEFORE TRUNCATE ON {schema}.draft_approvals
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER dispatch_events_append_only BEFORE UPDATE OR DELETE ON {schema}.dispatch_events
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER dispatch_events_no_truncate BEFORE TRUNCATE ON {schema}.dispatch_events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- Dak: a receipt's track and who held or was copied it (0025).
CREATE OR REPLACE TRIGGER receipt_movements_append_only BEFORE UPDATE OR DELETE ON {schema}.receipt_movements
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER receipt_movements_no_truncate BEFORE TRUNCATE ON {schema}.receipt_movements
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- Links between files (0027).
CREATE OR REPLACE TRIGGER file_links_append_only BEFORE UPDATE OR DELETE ON {schema}.file_links
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER file_links_no_truncate BEFORE TRUNCATE ON {schema}.file_links
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- Which note of a part file became which note of its main file (0028).
CREATE OR REPLACE TRIGGER part_merges_append_only BEFORE UPDATE OR DELETE ON {schema}.part_merges
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER part_merges_no_truncate BEFORE TRUNCATE ON {schema}.part_merges
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- Hand-overs of pending work (0029).
CREATE OR REPLACE TRIGGER handovers_append_only BEFORE UPDATE OR DELETE ON {schema}.handovers
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER handovers_no_truncate BEFORE TRUNCATE ON {schema}.handovers
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
-- The record of weeded files (0030): the fact never goes.
CREATE OR REPLACE TRIGGER weedings_append_only BEFORE UPDATE OR DELETE ON {schema}.weedings
    FOR EACH ROW EXECUTE FUNCTION {schema}.append_only();
CREATE OR REPLACE TRIGGER weedings_no_truncate BEFORE TRUNCATE ON {schema}.weedings
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.append_only();
