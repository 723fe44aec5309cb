-- batch_result: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The answer to a batch of rows (bulk enrolment, imports): the rows done
-- (p_done, each with its result) and those the server refused itself
-- (p_refused), in row order, with how many of each result; a result
-- counts under its name, 'completed' under 'already'.
CREATE OR REPLACE FUNCTION {schema}.batch_result(p_head jsonb, p_done jsonb, p_refused jsonb) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    WITH r AS (SELECT x FROM jsonb_array_elements(p_done) x
               UNION ALL SELECT y || '{"result": "refused"}' FROM jsonb_array_elements(p_refused) y)
    SELECT (p_head
            || (SELECT jsonb_object_agg(k, (SELECT count(*) FROM r
                                            WHERE CASE r.x ->> 'result' WHEN 'completed' THEN 'already'
                                                  ELSE r.x ->> 'result' END = k))
                FROM jsonb_object_keys(p_head - 'course' - 'source') k)
            || jsonb_build_object('rows', coalesce((SELECT jsonb_agg(r.x ORDER BY (r.x ->> 'row')::integer) FROM r),
                                                   '[]')))::json
$$;
