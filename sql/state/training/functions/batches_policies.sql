-- batches_policies: the row-level rules in force on classroom batches and
-- their seats. A batch is read by whoever reads its course (courses_read);
-- a seat, like all progress, by the officer and the nodal officer of a
-- department they belong to (sees_progress_of.sql). No policy allows a
-- write: batch_create, seat_take and seat_leave (SECURITY DEFINER) write.
DROP POLICY IF EXISTS batches_read ON {schema}.batches;
CREATE POLICY batches_read ON {schema}.batches FOR SELECT TO {role}
    USING (EXISTS (SELECT FROM {schema}.courses c WHERE c.id = course));
DROP POLICY IF EXISTS batch_seats_read ON {schema}.batch_seats;
CREATE POLICY batch_seats_read ON {schema}.batch_seats FOR SELECT TO {role} USING ({schema}.sees_progress_of(uid));
