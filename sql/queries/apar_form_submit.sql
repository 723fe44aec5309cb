-- apar_form_submit: the caller's part of a form at its stage (If-Match version).
SELECT form, version FROM {schema}.form_submit($1::uuid, $2::integer, $3::jsonb)
