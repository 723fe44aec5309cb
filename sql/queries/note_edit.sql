-- note_edit: the author changes ($3 text) or deletes ($3 null) a draft note $2 of file $1.
SELECT {schema}.note_edit($1::uuid, $2::int, $3)
