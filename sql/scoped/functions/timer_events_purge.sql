-- timer_events_purge: the action of an events_purge timer (armed by
-- event_publish): deletes this scope's events older than the retention, the
-- setting events_retention_days, which the timers thread sets on its
-- connection (lib/timers/timers.c; 7 days when unset). The next event arms
-- the next purge.
CREATE OR REPLACE FUNCTION {schema}.timer_events_purge(t {schema}.timers) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {schema}.events
    WHERE at < now() - make_interval(days => coalesce(nullif(current_setting('daftar.events_retention_days', true), ''),
                                                      '7')::integer);
END
$$;
