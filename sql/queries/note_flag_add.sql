-- note_flag_add: see {schema}.note_flag_add. $1 file, $2 note, $3 kind (receipt | document | note), $4 the receipt's or
-- document's id, $5 the earlier note's number, $6 label.
SELECT {schema}.note_flag_add($1::uuid, $2::int, $3, $4::uuid, $5::int, $6)
