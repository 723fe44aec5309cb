"""The statements in sql/queries and how they are planned (lib/db/db.c): daftar's sessions use generic
plans, and a statement whose plan depends on its parameters' values says `-- plan: custom`."""
import glob
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
# `$2 = ''` (a filter that may be off), `CASE $1` (a choice of condition): with a generic plan neither
# can use an index, so the whole department's table is scanned.
VALUE_SHAPED = re.compile(r"\$\d+\s*=\s*''|\bCASE\s+\$\d+|\$\d+\s+IS\s+NULL\s+OR")


def statements():
    for path in sorted(glob.glob(os.path.join(ROOT, "sql", "queries", "*.sql"))):
        with open(path) as f:
            text = f.read()
        body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
        yield os.path.basename(path), text, body


def test_statements_shaped_by_parameter_values_are_planned_for_them():
    found = []
    for name, text, body in statements():
        custom = "\n-- plan: custom\n" in text
        # `-- plan: generic` says why a statement shaped by values needs no plan for them (its access paths are
        # the same whatever they are: receipts_list's sources)
        generic = "\n-- plan: generic\n" in text
        assert not (custom and generic), name
        assert custom or generic or not VALUE_SHAPED.search(body), name
        assert not custom or VALUE_SHAPED.search(body), name
        found += [name] if custom else []
    assert "files_list.sql" in found
