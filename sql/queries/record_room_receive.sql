-- record_room_receive: the records officer receives closed file $1 into the record room (record_room_receive).
-- Columns: the file as the record room shows it, its version.
SELECT x.j, x.j->>'version' FROM (SELECT {schema}.record_room_receive($1::uuid) AS j) x
