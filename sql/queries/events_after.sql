-- events_after: the live fan-out's read (lib/events/events.c), for no officer
-- (events_policies): this scope's events after n $1, oldest first, at most
-- 200, each with its audience and what a stream sends ($2: the scope's
-- schema name, as the event's id and scope say).
SELECT coalesce(json_agg(json_build_object('n', x.n, 'audience', x.audience, 'event', x.body) ORDER BY x.n), '[]')
FROM (SELECT e.n, e.audience,
             json_build_object('id', $2::text || '.' || e.n, 'type', e.type, 'scope', $2::text, 'subject', e.subject,
                               'at', e.at, 'data', e.data) AS body
      FROM {schema}.events e WHERE e.n > $1::bigint ORDER BY e.n LIMIT 200) x
