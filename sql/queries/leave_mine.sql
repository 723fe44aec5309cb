-- leave_mine: the caller's leave (GET /v1/me/leave): a balance per type from the ledger, and
-- applications pending or of the last year, with where each waits.
SELECT json_build_object(
    'balances', (SELECT json_agg(json_build_object('type', t.code, 'name', t.name, 'name_hi', t.name_hi,
                                                   'balance', {schema}.leave_balance(current_setting('daftar.officer_uid'), t.code))
                                 ORDER BY t.code)
                 FROM {schema}.leave_types t WHERE t.per_occasion IS NULL AND t.debit_from IS NULL),
    'applications', coalesce((SELECT json_agg({schema}.leave_application_json(a) ORDER BY a.from_date DESC)
                              FROM {schema}.leave_applications a WHERE a.uid = current_setting('daftar.officer_uid')
                                AND (a.status = 'pending' OR a.to_date > now() - interval '1 year')), '[]'::json))
