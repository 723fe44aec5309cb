-- dispatch_queue: for the dispatch section (others: 403), the approved
-- drafts waiting to be issued: their current version approved, not issued,
-- of files within the caller's clearance; oldest approval first.
CREATE OR REPLACE FUNCTION {schema}.dispatch_queue() RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM {schema}.dispatch_clerk();
    RETURN json_build_object('items', coalesce((
        SELECT json_agg({schema}.draft_json(d) ORDER BY a.approved_at, d.id)
        FROM {schema}.drafts d
        JOIN {schema}.draft_approvals a ON a.draft_id = d.id AND a.version = d.version
        JOIN {schema}.files f ON f.id = d.file_id
        WHERE d.issued_at IS NULL AND d.approved_version = d.version AND {schema}.cleared_for(f.classification)), '[]'::json));
END
$$;
