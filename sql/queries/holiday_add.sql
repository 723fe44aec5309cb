-- holiday_add: the establishment adds a holiday to the request's department's calendar.
SELECT {schema}.holiday_add($1::date, $2)
