-- summary_apar: the APAR forms at the caller's stage (GET /v1/me/summary; as apar/forms?box=turn).
SELECT json_build_object('apar_my_turn', count(*))
FROM {schema}.forms x
WHERE current_setting('daftar.officer_uid') = CASE x.stage WHEN 'self' THEN x.uid WHEN 'reporting' THEN x.reporting
                                                          WHEN 'reviewing' THEN x.reviewing WHEN 'accepting' THEN x.accepting
                                                          WHEN 'representation' THEN x.uid
                                                          WHEN 'decision' THEN x.accepting END
