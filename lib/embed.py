#!/usr/bin/env python3
"""Embeds build inputs into C at build time (run by meson, not by hand).

  embed.py openapi IN.yaml OUT.c   -- the contract as compact JSON:
                                      dft_openapi_json / dft_openapi_json_len
  embed.py sql OUT.c IN.sql...     -- statements, migrations and function files:
                                      dft_sql_files[] of {group, name, sha256, text},
                                      name = file stem; dft_sql_digests[]
  embed.py assets OUT.c IN...      -- the /docs page's files: dft_docs_assets[] of
                                      {name, {type, plain, gzip}, sha}; gzip made here
                                      (level 9), so a server starts without compressing
"""
import hashlib
import json
import os
import re
import sys


def c_string(data: bytes) -> str:
    out, line = [], ''
    for b in data:
        ch = chr(b)
        if ch == '\\' or ch == '"':
            piece = '\\' + ch
        elif 32 <= b < 127 and ch != '?':
            piece = ch
        else:
            piece = '\\%03o' % b
        line += piece
        if len(line) > 100:
            out.append('"%s"' % line)
            line = ''
    out.append('"%s"' % line)
    return '\n    '.join(out)


def openapi(src, dst):
    import yaml
    with open(src, 'rb') as f:
        doc = yaml.safe_load(f)
    data = json.dumps(doc, separators=(',', ':'), ensure_ascii=False).encode()
    packed = brotli_of(data)
    with open(dst, 'w') as f:
        f.write('/* generated from %s by lib/embed.py */\n#include <stddef.h>\n' % os.path.basename(src))
        f.write('const char dft_openapi_json[] =\n    %s;\n' % c_string(data))
        f.write('const size_t dft_openapi_json_len = %d;\n' % len(data))
        f.write('const char dft_openapi_br[] =\n    %s;\n' % c_string(packed))
        f.write('const size_t dft_openapi_br_len = %d;\n' % len(packed))


def brotli_of(data):
    """Brotli at its best (quality 11, text): made once here, sent as is (python3-brotli, deploy/deps.sh)."""
    import brotli
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=11)


# Migrations up to these numbers are history: they defined functions, views
# and triggers in place. Later ones hold tables, indexes, grants and data;
# each function, view or trigger lives in one file of sql/<group>/functions/,
# which `daftar migrate` re-applies when it changes.
HISTORY = {'catalog': 13, 'dept': 12}
DEFINES = re.compile(r'^\s*CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|VIEW|TRIGGER|POLICY)\b', re.I | re.M)
STATE = re.compile(r'^[a-z][a-z0-9_]{1,20}$')


def group_of(src):
    """catalog, dept, state/<scope>, queries; with /functions for their function files."""
    folder, suffix = os.path.dirname(src), ''
    if os.path.basename(folder) == 'functions':
        folder, suffix = os.path.dirname(folder), '/functions'
    name = os.path.basename(folder)
    if os.path.basename(os.path.dirname(folder)) == 'state':
        if not STATE.match(name):
            sys.exit('embed.py: %s: a state scope is sql/state/<name>/ with name ^[a-z][a-z0-9_]{1,20}$' % src)
        return 'state/' + name + suffix
    return name + suffix


def is_migrations(group):
    return group in ('catalog', 'dept') or (group.startswith('state/') and not group.endswith('/functions'))


def sql(dst, srcs):
    digests = {}
    for src in sorted(srcs, key=lambda s: os.path.splitext(os.path.basename(s))[0]):
        group = group_of(src)
        with open(src, 'rb') as s:
            text = s.read()
        base = os.path.basename(src)
        if is_migrations(group) and int(base.split('_')[0]) > HISTORY.get(group, 0) and DEFINES.search(text.decode()):
            sys.exit('embed.py: %s/%s defines a function, view, trigger or policy: put it in sql/%s/functions/<name>.sql '
                     '(one file each, re-applied by daftar migrate when it changes)' % (group, base, group))
        if group.endswith('/functions'):
            digests.setdefault(group, []).append((os.path.splitext(base)[0], hashlib.sha256(text).hexdigest()))
    with open(dst, 'w') as f:
        f.write('/* generated from sql/ by lib/embed.py */\n#include <stddef.h>\n#include "db/sqlfiles.h"\n')
        f.write('const dft_sql_file_t dft_sql_files[] = {\n')
        numbers = {}
        for src in srcs:
            group = group_of(src)
            base = os.path.basename(src)
            if is_migrations(group):
                key = (group, base.split('_')[0])
                if key in numbers:
                    sys.exit('embed.py: %s/%s and %s/%s share a migration number' % (group, numbers[key], group, base))
                numbers[key] = base
        for src in sorted(srcs):
            with open(src, 'rb') as s:
                text = s.read()
            group = group_of(src)
            name = os.path.splitext(os.path.basename(src))[0]
            f.write('    {"%s", "%s", "%s",\n    %s},\n' % (group, name, hashlib.sha256(text).hexdigest(), c_string(text)))
        f.write('};\nconst size_t dft_num_sql_files = %d;\n' % len(srcs))
        # a group's digest: SHA-256 of its files' SHA-256s in name order (registry_load computes the same)
        f.write('const dft_sql_digest_t dft_sql_digests[] = {\n')
        # scoped/functions are applied to every department and statewide scope beside their own
        scoped = digests.pop('scoped/functions', [])
        for group, files in sorted(digests.items()):
            if group != 'catalog/functions':
                clash = {n for n, _ in files} & {n for n, _ in scoped}
                if clash:
                    sys.exit('embed.py: %s and scoped/functions both have %s' % (group, ', '.join(sorted(clash))))
                files = files + scoped
            shas = [sha for _, sha in sorted(files)]
            f.write('    {"%s", "%s"},\n' % (group, hashlib.sha256(''.join(shas).encode()).hexdigest()))
        f.write('    {NULL, NULL},\n};\n')


ASSET_TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'application/javascript', '.css': 'text/css',
               '.png': 'image/png', '.txt': 'text/plain; charset=utf-8'}


def assets(dst, srcs):
    import gzip
    with open(dst, 'w') as f:
        f.write('/* generated by lib/embed.py: the /docs page (api/docs/ and swagger-ui-dist) */\n')
        f.write('#include "http/ops.h"\n\n')
        rows = []
        for i, src in enumerate(srcs):
            name = os.path.basename(src)
            ext = os.path.splitext(name)[1]
            if ext not in ASSET_TYPES:
                sys.exit('embed.py: no media type for %s' % src)
            with open(src, 'rb') as fh:
                data = fh.read()
            f.write('static const char a%d[] =\n    %s;\n' % (i, c_string(data)))
            gz = br = 'NULL, 0'
            if ext != '.png' and len(data) >= 1024:
                packed = gzip.compress(data, 9, mtime=0)
                f.write('static const char z%d[] =\n    %s;\n' % (i, c_string(packed)))
                gz = '(char *)z%d, %d' % (i, len(packed))
                packed = brotli_of(data)
                f.write('static const char b%d[] =\n    %s;\n' % (i, c_string(packed)))
                br = '(char *)b%d, %d' % (i, len(packed))
            rows.append('    {"%s", {"%s", {(char *)a%d, %d}, {%s}, {%s}}, "%s"},\n' % (
                name, ASSET_TYPES[ext], i, len(data), gz, br, hashlib.sha256(data).hexdigest()[:16]))
        f.write('\nconst dft_asset_t dft_docs_assets[] = {\n%s};\n' % ''.join(rows))
        f.write('const size_t dft_docs_num_assets = %d;\n' % len(rows))


if __name__ == '__main__':
    if sys.argv[1] == 'openapi':
        openapi(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'sql':
        sql(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == 'assets':
        assets(sys.argv[2], sys.argv[3:])
    else:
        sys.exit('usage: embed.py openapi IN OUT | sql OUT IN... | assets OUT IN...')
