-- posting_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
CREATE OR REPLACE FUNCTION {schema}.posting_json(p {schema}.postings) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', p.id, 'uid', p.uid, 'kind', p.kind, 'from_dept', p.from_dept, 'to_dept', p.to_dept,
                             'designation', p.designation, 'roles', p.roles, 'order_no', p.order_no,
                             'effective', p.effective, 'status', p.status, 'ordered_by', p.ordered_by,
                             'ordered_at', p.ordered_at, 'relieved_by', p.relieved_by, 'relieved_at', p.relieved_at,
                             'joined_by', p.joined_by, 'joined_at', p.joined_at, 'version', p.version)
$$;
