-- 0011_file_get_statement: reading a file is one statement (sql/queries/file_get.sql);
-- the function it replaces is unused.
DROP FUNCTION IF EXISTS {schema}.file_get(uuid);
