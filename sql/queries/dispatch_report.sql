-- dispatch_report: dispatches the caller may see issued from $1 to $2 (dates, India; '' = the last 30 days up to
-- today), counted by mode and status.
WITH span AS (
    SELECT coalesce(nullif($2, '')::date, (now() AT TIME ZONE 'Asia/Kolkata')::date) AS upto),
period AS (
    SELECT coalesce(nullif($1, '')::date, s.upto - 30) AS since, s.upto FROM span s),
counted AS (
    SELECT x.mode, {schema}.dispatch_state(x) AS status, count(*) AS n
    FROM {schema}.dispatches x, period p
    WHERE x.issued_on BETWEEN p.since AND p.upto AND {schema}.may_see_dispatch(x)
    GROUP BY 1, 2)
SELECT json_build_object(
    'from', p.since, 'to', p.upto,
    'total', coalesce((SELECT sum(n) FROM counted), 0),
    'by_mode', (SELECT json_object_agg(m, coalesce((SELECT sum(n) FROM counted c WHERE c.mode = m), 0))
                FROM unnest(ARRAY['email', 'post', 'hand', 'department']) m),
    'by_status', (SELECT json_object_agg(st, coalesce((SELECT sum(n) FROM counted c WHERE c.status = st), 0))
                  FROM unnest(ARRAY['issued', 'sent', 'delivered', 'returned', 'cancelled']) st),
    'items', coalesce((SELECT json_agg(json_build_object('mode', c.mode, 'status', c.status, 'count', c.n)
                                       ORDER BY c.mode, c.status) FROM counted c), '[]'::json))
FROM period p
