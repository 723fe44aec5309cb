-- posting_order: the establishment orders a posting, transfer or promotion of an officer.
SELECT posting, version FROM {schema}.posting_order($1, $2, $3, $4, string_to_array($5, ','), $6, $7::date)
