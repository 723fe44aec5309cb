-- draft_hash: SHA-256 (hex) of a draft version's content: what an approver
-- approves and signs. Covers the draft's and its file's ids, the version,
-- subject, body, addressees, copies, enclosures and the letter PDF's hash.
CREATE OR REPLACE FUNCTION {schema}.draft_hash(d {schema}.drafts) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', d.id, d.file_id, d.version, d.subject, d.body, d.addressees::text,
                                              d.copies_to::text, array_to_string(d.enclosures, ','),
                                              coalesce((SELECT x.sha256 FROM {schema}.documents x WHERE x.id = d.document_id),
                                                       '')), 'UTF8')), 'hex')
$$;
