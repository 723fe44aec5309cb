-- events_policies: who reads the events outbox (NNNN_events of each scope).
-- An officer's requests read the events meant for them (Last-Event-ID
-- resumes); the server's own fan-out reads as officer '' with no request id
-- (internal jobs of lib/db; every request has an id, a public one too); the
-- timers thread ('timer') purges. Rows are written by event_publish only.
DROP POLICY IF EXISTS events_read ON {schema}.events;
CREATE POLICY events_read ON {schema}.events FOR SELECT TO {role}
    USING ((current_setting('daftar.officer_uid', true) = '' AND current_setting('daftar.request_id', true) = '')
           OR current_setting('daftar.officer_uid', true) = 'timer'
           OR current_setting('daftar.officer_uid', true) = ANY (audience));
DROP POLICY IF EXISTS events_write ON {schema}.events;
CREATE POLICY events_write ON {schema}.events FOR INSERT TO {role} WITH CHECK (true);
DROP POLICY IF EXISTS events_purge ON {schema}.events;
CREATE POLICY events_purge ON {schema}.events FOR DELETE TO {role}
    USING (current_setting('daftar.officer_uid', true) = 'timer');
DROP POLICY IF EXISTS events_head_all ON {schema}.events_head;
CREATE POLICY events_head_all ON {schema}.events_head FOR ALL TO {role} USING (true) WITH CHECK (true);
