-- 0013_decision_authority: a decision on a file (approve, reject) is taken by
-- an officer with the approving role, never on a file they opened, and is
-- final; a later opposite decision reverses it only when a competent officer
-- signs a note after it, and its movement names the one it reverses
-- (security review item 6; the rules are in functions/file_decide.sql and
-- functions/may_decide.sql).
ALTER TABLE {schema}.movements ADD COLUMN IF NOT EXISTS reverses integer;
