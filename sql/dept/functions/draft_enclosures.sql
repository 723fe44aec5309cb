-- draft_enclosures: the enclosures of a draft (a JSON list of document
-- ids) as an array; each must be a document of the file (DF422).
CREATE OR REPLACE FUNCTION {schema}.draft_enclosures(p_file uuid, p jsonb) RETURNS uuid[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v uuid[] := ARRAY(SELECT DISTINCT x::uuid FROM jsonb_array_elements_text(coalesce(p, '[]')) x);
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(v) e
               WHERE NOT EXISTS (SELECT 1 FROM {schema}.documents x WHERE x.id = e AND x.file_id = p_file)) THEN
        RAISE EXCEPTION 'An enclosure is a document of the file.' USING ERRCODE = 'DF422', HINT = 'enclosure-not-of-file';
    END IF;
    RETURN v;
END
$$;
