-- apar_form_get: a form as the caller may see it (content reads recorded); no row: 404.
SELECT form, version FROM {schema}.form_read($1::uuid)
