-- note_add: a draft note by the holder. $1 file, $2 text.
SELECT {schema}.note_add($1::uuid, $2)
