-- leave_ledger: an officer's ledger and balances, for the officer or the establishment and approvers
-- of the request's department ($1: the officer; '' the caller); no row for anyone else.
SELECT json_build_object(
    'uid', u.uid,
    'balances', (SELECT json_object_agg(t.code, {schema}.leave_balance(u.uid, t.code) ORDER BY t.code)
                 FROM {schema}.leave_types t WHERE t.per_occasion IS NULL AND t.debit_from IS NULL),
    'entries', coalesce((SELECT json_agg(json_build_object('at', l.at, 'type', l.type, 'days', l.days, 'kind', l.kind,
                                                           'rule', l.rule, 'application', l.application, 'by', l.by)
                                         ORDER BY l.id)
                         FROM {schema}.leave_ledger l WHERE l.uid = u.uid), '[]'::json))
FROM (SELECT coalesce(nullif($1, ''), current_setting('daftar.officer_uid')) AS uid) u
WHERE {schema}.sees_leave_of(u.uid)
