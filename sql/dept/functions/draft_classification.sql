-- draft_classification: the classification of the file of a draft its
-- author may change now (held_draft), for the server to decide on
-- encryption before storing the letter's PDF.
CREATE OR REPLACE FUNCTION {schema}.draft_classification(p_file uuid, p_draft uuid) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {schema}.held_draft(p_file, p_draft, NULL);
    RETURN (SELECT f.classification FROM {schema}.files f WHERE f.id = p_file);
END
$$;
