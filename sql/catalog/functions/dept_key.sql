-- dept_key: the view in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0010.
CREATE OR REPLACE VIEW daftar.dept_key WITH (security_barrier) AS
    SELECT code, data_key FROM daftar.departments WHERE 'dept_' || code = current_user;
