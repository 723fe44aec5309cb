-- audit_chain: the audit chain an action's event goes to, by its family
-- (dept 0021_audit_chains). A family's writers queue on their own chain's
-- head only, so e-Dispatch's letters do not wait for e-File's notes. A
-- family whose events live in a department schema adds its prefixes here;
-- an action no family claims stays in 'efile', the department's chain of
-- old. Chains are ordered within, not across: a file's drafts are
-- e-Dispatch's events, its notes e-File's; their times say which came first.
CREATE OR REPLACE FUNCTION {schema}.audit_chain(p_action text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE split_part(p_action, '.', 1)
           WHEN 'draft' THEN 'dispatch'
           WHEN 'dispatch' THEN 'dispatch'
           WHEN 'dak' THEN 'dispatch'
           ELSE 'efile' END
$$;
