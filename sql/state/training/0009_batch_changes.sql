-- 0009_batch_changes: a classroom batch changes and is cancelled (issue 21:
-- halls are double-booked, trainers fall ill). Its version guards a change
-- (If-Match); a cancelled batch keeps its row with when and why, and its
-- places are given up (the enrolments stand: the officers book another).
ALTER TABLE {schema}.batches ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE {schema}.batches ADD COLUMN cancelled_at timestamptz;
ALTER TABLE {schema}.batches ADD COLUMN cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 500);
ALTER TABLE {schema}.batches ADD CONSTRAINT batches_cancelled_check CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL));
