-- cycle_open: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The custodian of the request's department opens its cycle for reporting
-- year p_year (April p_year to March p_year + 1): the central dates by
-- default (self-appraisal 15 May, reporting 30 June, reviewing 31 July,
-- accepting 31 August, disclosure 15 September of p_year + 1, the year
-- after the period), one form per active member of the department, each at
-- self-appraisal with its timer. Chains are mapped after (chain_map).
CREATE OR REPLACE FUNCTION {schema}.cycle_open(p_year integer, p_dates jsonb) RETURNS json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_dept text := current_setting('daftar.dept');
    c {schema}.cycles;
    v_next integer := p_year + 1;
    v_forms integer;
BEGIN
    IF NOT {schema}.custodian_of(v_dept) THEN
        RAISE EXCEPTION 'The department''s APAR custodian opens its cycle.' USING ERRCODE = 'DF403', HINT = 'needs-apar-custodian';
    END IF;
    INSERT INTO {schema}.cycles (dept, year, period_from, period_to, self_due, reporting_due, reviewing_due, accepting_due,
                                 disclosure_due, opened_by)
    VALUES (v_dept, p_year, make_date(p_year, 4, 1), make_date(v_next, 3, 31),
            coalesce((p_dates ->> 'self_due')::date, make_date(v_next, 5, 15)),
            coalesce((p_dates ->> 'reporting_due')::date, make_date(v_next, 6, 30)),
            coalesce((p_dates ->> 'reviewing_due')::date, make_date(v_next, 7, 31)),
            coalesce((p_dates ->> 'accepting_due')::date, make_date(v_next, 8, 31)),
            coalesce((p_dates ->> 'disclosure_due')::date, make_date(v_next, 9, 15)),
            current_setting('daftar.officer_uid'))
    ON CONFLICT (dept, year) DO NOTHING
    RETURNING * INTO c;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'This department''s cycle for % is open already.', p_year USING ERRCODE = 'DF409', HINT = 'apar-cycle-open-already';
    END IF;
    v_forms := cardinality({schema}.cycle_members_add(c));
    PERFORM {schema}.audit_append('apar.cycle.open', c.id::text, jsonb_build_object('year', p_year, 'forms', v_forms));
    RETURN json_build_object('id', c.id, 'dept', c.dept, 'year', c.year, 'period_from', c.period_from,
                             'period_to', c.period_to, 'self_due', c.self_due, 'reporting_due', c.reporting_due,
                             'reviewing_due', c.reviewing_due, 'accepting_due', c.accepting_due,
                             'disclosure_due', c.disclosure_due, 'forms', v_forms);
END
$$;
