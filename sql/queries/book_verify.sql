-- book_verify: recomputes an officer's chain of attested entries; readers as book_list.
SELECT {schema}.book_verify($1)
WHERE $1 = current_setting('daftar.officer_uid') OR {schema}.in_charge($1, 'establishment') OR {schema}.in_charge($1, 'hoo')
