"""bench/uris.py — the request lists h2load cycles through, from the seeded database.

For reader k: read-file URIs of files reader k holds (random order, all full-data departments), and inbox
URIs of those departments. For wide officer k: read-file URIs over the 10 full-data departments, and over
all of its departments (1,000 in all over the 16), for the departments comparison. For cleared officer k:
read-file URIs of the confidential files it holds (all full-data departments). Also pgbench scripts:
the same SQL as daftar's read-file, one script per (officer, department, file) sample.
"""
import argparse
import os
import itertools
import random
import subprocess
import uuid

ap = argparse.ArgumentParser()
for a in ("sock", "port", "base", "tls-base", "readers", "wide", "depts", "few", "cleared", "out"):
    ap.add_argument("--" + a, required=True)
o = ap.parse_args()
random.seed(4711)


def q(sql):
    out = subprocess.run(["psql", "-X", "-q", "-tA", "-F", "\t", "-h", o.sock, "-p", o.port, "-U", "postgres", "-d",
                          "daftar", "-v", "ON_ERROR_STOP=1"], input=sql, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def write(name, lines):
    with open(os.path.join(o.out, name), "w") as f:
        f.write("\n".join(lines) + "\n")


def held(uid, use, per):
    """(department, file id) of up to `per` files `uid` holds in each department of `use`: one psql for all."""
    return [(d, f) for d, f in q(" UNION ALL ".join(
        "(SELECT '%s', id FROM dept_%s.files WHERE holder = '%s' ORDER BY id LIMIT %d)" % (d, d, uid, per)
        for d in use))] if use else []


depts = [r[0] for r in q("SELECT code FROM daftar.departments ORDER BY code")]
main = depts[:int(o.depts)]
samples, lists = [], []
for k, uid in enumerate(o.readers.split(",")):
    rows = held(uid, main, 2000)
    random.shuffle(rows)
    lists.append([(uid, d, f) for d, f in rows])
    # 404s: ids no file has, in the same departments
    write("notfound.r%d" % k, ["%s/v1/departments/%s/files/%s" % (o.base, d, uuid.UUID(int=random.getrandbits(128),
                                                                                     version=4)) for d, _ in rows])
    write("read.r%d" % k, ["%s/v1/departments/%s/files/%s" % (o.base, d, f) for d, f in rows])
    write("read-tls.r%d" % k, ["%s/v1/departments/%s/files/%s" % (getattr(o, "tls_base"), d, f) for d, f in rows])
    write("inbox.r%d" % k, ["%s/v1/departments/%s/files?box=inbox&limit=20" % (o.base, d) for d in main])
    # the all box and the register, unfiltered (files_all, receipts_all), and the same pages through the general
    # statements (files_list, receipts_list) by a filter every seeded row passes (section BENCH, mode post)
    write("all.r%d" % k, ["%s/v1/departments/%s/files?box=all&limit=20" % (o.base, d) for d in main])
    write("all-list.r%d" % k, ["%s/v1/departments/%s/files?box=all&section=BENCH&limit=20" % (o.base, d) for d in main])
    write("receipts.r%d" % k, ["%s/v1/departments/%s/receipts?limit=20" % (o.base, d) for d in main])
    write("receipts-list.r%d" % k, ["%s/v1/departments/%s/receipts?mode=post&limit=20" % (o.base, d) for d in main])
    samples += [(uid, d, f) for d, f in rows[:25]]
for k, uid in enumerate(o.wide.split(",")):
    mine = [r[0] for r in q("SELECT dept FROM daftar.memberships WHERE uid = '%s' ORDER BY dept" % uid)]
    # few: the first 10 departments; all: up to 8 files in each of its ~72 (1,000 in all over the 16)
    for name, use, per in (("few", depts[:int(o.few)], 2000), ("all", mine, 8)):
        rows = held(uid, use, per)
        random.shuffle(rows)
        write("depts-%s.w%d" % (name, k), ["%s/v1/departments/%s/files/%s" % (o.base, d, f) for d, f in rows])
for k, uid in enumerate(u for u in o.cleared.split(",") if u):
    rows = held(uid, main, 2000)
    random.shuffle(rows)
    write("confidential.c%d" % k, ["%s/v1/departments/%s/files/%s" % (o.base, d, f) for d, f in rows])

# bench/driver.c: the readers' requests, interleaved as the four h2load processes send them
write("driver.read", ["\t".join(x) for x in itertools.chain.from_iterable(zip(*lists))])

# pgbench: daftar's read-file transaction, literally: the setup statement's ten set_config calls
# (role, read-only off since file_get audits confidential reads, officer, request id, client address,
# clearance, roles, otp, trusted network) and sql/queries/file_get.sql with the department's schema and
# the file's id in place of {schema} and $1; BEGIN/COMMIT because pgbench has no pipelined implicit
# transaction (daftar sends both statements and one Sync in one round trip).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sql", "queries", "file_get.sql")) as fh:
    file_get = " ".join(line for line in fh.read().splitlines() if not line.startswith("--"))
os.makedirs(os.path.join(o.out, "pgbench"), exist_ok=True)
for i, (uid, d, f) in enumerate(random.sample(samples, min(100, len(samples)))):
    with open(os.path.join(o.out, "pgbench", "read%03d.sql" % i), "w") as fh:
        fh.write("BEGIN;\n"
                 "SELECT set_config('role', 'dept_%s', true), set_config('transaction_read_only', 'off', true), "
                 "set_config('daftar.officer_uid', '%s', true), set_config('daftar.request_id', 'bench', true), "
                 "set_config('daftar.client_addr', '127.0.0.1', true), set_config('daftar.clearance', '1', true), "
                 "set_config('daftar.roles', ',officer,', true), set_config('daftar.otp', 'f', true), "
                 "set_config('daftar.trusted', 'f', true), set_config('daftar.dept', '%s', true);\n" % (d, uid, d)
                 + file_get.replace("{schema}", '"dept_%s"' % d).replace("$1", "'%s'" % f) + ";\n"
                 "COMMIT;\n")
