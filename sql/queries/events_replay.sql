-- events_replay: what GET /v1/me/events resumes with (Last-Event-ID): the
-- calling officer's events of this scope after n $1, or, when the client saw
-- none of this scope ($1 ''), those since $2 (epoch milliseconds); oldest
-- first, at most 500; and the scope's head, the n every event up to which
-- is committed. $3: the scope's schema name, as the live read says it.
-- plan: custom
SELECT json_build_object(
    'head', (SELECT h.n FROM {schema}.events_head h),
    'events', coalesce((SELECT json_agg(json_build_object('n', x.n, 'event', x.body) ORDER BY x.n)
                        FROM (SELECT e.n, json_build_object('id', $3::text || '.' || e.n, 'type', e.type, 'scope', $3::text,
                                                            'subject', e.subject, 'at', e.at, 'data', e.data) AS body
                              FROM {schema}.events e
                              WHERE current_setting('daftar.officer_uid') = ANY (e.audience)
                                AND ($1 = '' OR e.n > nullif($1, '')::bigint)
                                AND ($1 <> '' OR e.at >= to_timestamp($2::bigint / 1000.0))
                              ORDER BY e.n LIMIT 500) x), '[]'))
