-- file_link: see {schema}.file_link. $1 the file the caller holds, $2 the other file, $3 remarks.
SELECT {schema}.file_link($1::uuid, $2::uuid, $3)
