-- timer_cancel: the unfired timers of kind p_kind on p_subject go away (in the caller's transaction).
CREATE OR REPLACE FUNCTION {schema}.timer_cancel(p_kind text, p_subject uuid) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM {schema}.timers WHERE kind = p_kind AND subject = p_subject AND fired_at IS NULL
$$;
