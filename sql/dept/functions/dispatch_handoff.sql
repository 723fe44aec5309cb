-- dispatch_handoff: for a dispatch to another department, its row in the
-- exchange (catalog 0026) as this department, its sender, sees it; NULL
-- for other modes or before it was sent.
CREATE OR REPLACE FUNCTION {schema}.dispatch_handoff(x {schema}.dispatches) RETURNS daftar.dak_exchange
LANGUAGE sql STABLE AS $$
    SELECT e FROM daftar.dak_exchange e
    WHERE x.mode = 'department' AND e.dispatch_id = x.id AND e.sender = (SELECT k.code FROM daftar.dept_key k)
$$;
