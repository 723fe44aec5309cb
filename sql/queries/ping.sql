-- ping: the cheapest round trip; /readyz uses it to prove the database answers.
SELECT 1
