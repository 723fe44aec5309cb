-- me_data_apar: what APAR holds about the calling officer (GET /v1/me/data): their own forms, each
-- with its stage, dates and chain and the content they may read (their self-appraisal; everything
-- once disclosed: may_read), as the officer alone in scope apar; reading one's own form's content
-- is not an authority's read, so it is not recorded in reads.
SELECT json_build_object(
    'forms', coalesce((SELECT json_agg(({schema}.form_json(f)::jsonb || jsonb_build_object(
                                           'submissions', coalesce((SELECT json_agg(json_build_object(
                                                   'level', s.level, 'at', s.at, 'content', s.content) ORDER BY s.seq)
                                               FROM {schema}.submissions s
                                               WHERE s.form = f.id AND {schema}.may_read(f, s.level)), '[]'::json)))::json
                                       ORDER BY f.cycle)
                       FROM {schema}.forms f WHERE f.uid = current_setting('daftar.officer_uid')), '[]'::json))
