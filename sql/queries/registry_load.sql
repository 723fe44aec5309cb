-- registry_load: what each server thread caches about departments, with the
-- migration versions and function digests it checks before serving (see
-- lib/tenant/registry.c; a digest is computed as lib/embed.py computes it),
-- and the same for each statewide scope (states: {name: {version, functions}}).
SELECT json_build_object(
    'states', (SELECT coalesce(json_object_agg(x.name, json_build_object(
                   'version', x.version,
                   'functions', (SELECT encode(sha256(convert_to(string_agg(f.sha256, '' ORDER BY f.name COLLATE "C"), 'UTF8')), 'hex')
                                 FROM daftar.schema_functions f WHERE f.scope = x.scope))), '{}')
               FROM (SELECT m.scope, substr(m.scope, 7) AS name, max(m.version) AS version
                     FROM daftar.schema_migrations m WHERE m.scope LIKE 'state:%' GROUP BY m.scope) x),
    'catalog_version', (SELECT coalesce(max(version), 0) FROM daftar.schema_migrations WHERE scope = 'catalog'),
    'catalog_functions', (SELECT encode(sha256(convert_to(string_agg(f.sha256, '' ORDER BY f.name COLLATE "C"), 'UTF8')), 'hex')
                          FROM daftar.schema_functions f WHERE f.scope = 'catalog'),
    'departments', coalesce((
        SELECT json_agg(json_build_object(
                   'id', d.id, 'code', d.code, 'status', d.status, 'cluster', d.cluster, 'moving', d.moving_to IS NOT NULL,
                   'trusted_cidrs', array_to_string(d.trusted_cidrs, ','),
                   'version', (SELECT coalesce(max(m.version), 0) FROM daftar.schema_migrations m
                               WHERE m.scope = 'dept:' || d.code),
                   'functions', (SELECT encode(sha256(convert_to(string_agg(f.sha256, '' ORDER BY f.name COLLATE "C"),
                                                                'UTF8')), 'hex')
                                 FROM daftar.schema_functions f WHERE f.scope = 'dept:' || d.code))
               ORDER BY d.code COLLATE "C")
        FROM daftar.departments d), '[]'::json))
