-- handovers_list: the department's hand-overs, newest first, for the section officers and dept_admins who order them
-- and the officers they name (an officer sees the hand-overs from or to them). At most 100.
SELECT json_build_object('items', coalesce(json_agg(json_build_object(
           'id', h.id, 'from', h.from_uid, 'to', h.to_uid, 'reason', h.reason, 'remarks', h.remarks,
           'files', cardinality(h.files), 'receipts', cardinality(h.receipts), 'ordered_by', h.ordered_by,
           'at', to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY h.at DESC), '[]'::json))
FROM (SELECT * FROM {schema}.handovers h
      WHERE {schema}.has_role('section_officer') OR {schema}.has_role('dept_admin')
         OR {schema}.me() IN (h.from_uid, h.to_uid)
      ORDER BY h.at DESC LIMIT 100) h
