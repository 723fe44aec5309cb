-- receipt_mark: see {schema}.receipt_mark. $1 receipt, $2 expected version, $3 to (UID), $4 copies (a JSON array
-- of UIDs), $5 remarks. Columns: the receipt after the mark, its version.
SELECT x.j, x.j->>'version'
FROM (SELECT {schema}.receipt_mark($1::uuid, $2::int, $3,
                                   ARRAY(SELECT json_array_elements_text($4::json)), $5) AS j) x
