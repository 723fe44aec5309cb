-- progress_policies: the row-level rules in force on progress (module
-- progress, events, completions, flags) and revocations. Progress is read
-- by the officer and by the nodal officer of a department they belong to
-- (sees_progress_of.sql); nobody else, not other departments, not the
-- state. Revocations are public (GET /v1/certificates/revoked). No policy
-- allows a write: progress_event, import_completions and
-- certificate_revoke (SECURITY DEFINER) write; events, completions,
-- revocations and flags are append-only besides.
DROP POLICY IF EXISTS module_progress_read ON {schema}.module_progress;
CREATE POLICY module_progress_read ON {schema}.module_progress FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
DROP POLICY IF EXISTS progress_events_read ON {schema}.progress_events;
CREATE POLICY progress_events_read ON {schema}.progress_events FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
DROP POLICY IF EXISTS completions_read ON {schema}.completions;
CREATE POLICY completions_read ON {schema}.completions FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
DROP POLICY IF EXISTS flags_read ON {schema}.flags;
CREATE POLICY flags_read ON {schema}.flags FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
DROP POLICY IF EXISTS revocations_read ON {schema}.revocations;
CREATE POLICY revocations_read ON {schema}.revocations FOR SELECT TO {role} USING (true);
