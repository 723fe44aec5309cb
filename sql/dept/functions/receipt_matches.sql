-- receipt_matches: whether a receipt matches the register's search (receipts_list.sql): filed ('yes' | 'no'),
-- status, subject (any part, any case, Hindi in either Unicode form), diary number, sender and letter number (any
-- part), letter date, received on or after / on or before, mode, changed after (RFC 3339); each '' = any. An SQL
-- function so that it is inlined into each source of the list, where the parameters are the statement's own.
CREATE OR REPLACE FUNCTION {schema}.receipt_matches(x {schema}.receipts, p_filed text, p_status text, p_subject text,
                                                    p_number text, p_sender text, p_letter text, p_letter_date text,
                                                    p_from text, p_to text, p_mode text, p_since text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT (p_filed = '' OR (x.file_id IS NOT NULL) = (p_filed = 'yes'))
       AND (p_status = '' OR x.status = p_status)
       AND (p_subject = '' OR strpos(lower(normalize(x.subject, NFC)), lower(normalize(p_subject, NFC))) > 0)
       AND (p_number = '' OR strpos(lower(x.receipt_number), lower(p_number)) > 0)
       AND (p_sender = '' OR strpos(lower(normalize(x.sender, NFC)), lower(normalize(p_sender, NFC))) > 0)
       AND (p_letter = '' OR strpos(lower(x.letter_number), lower(p_letter)) > 0)
       AND (p_letter_date = '' OR x.letter_date = p_letter_date::date)
       AND (p_from = '' OR x.received_on >= p_from::date)
       AND (p_to = '' OR x.received_on <= p_to::date)
       AND (p_mode = '' OR x.mode = p_mode)
       AND (p_since = '' OR x.updated_at > p_since::timestamptz)
$$;
