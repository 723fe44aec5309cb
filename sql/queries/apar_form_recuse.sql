-- apar_form_recuse: an authority recuses from a form, with a reason.
SELECT {schema}.form_recuse($1::uuid, $2)
