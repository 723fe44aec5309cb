-- officer_serial: the next officer serial (the server adds the check digit).
SELECT nextval('daftar.officer_serial')::text
