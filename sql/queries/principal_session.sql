-- principal_session: what officer or service account $1 may do now (memberships, roles, clearance),
-- read by the server on first use (lib/auth/state.c); no row when it may not act.
SELECT daftar.principal_session($1)
