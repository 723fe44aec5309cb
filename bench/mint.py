"""bench/mint.py — access tokens for officers who never sign in, signed with the cluster's own key.

    mint.py --sock S --port P --master-key-file F [--otp] < uids > tokens

One line out per UID in: a token as POST /v1/auth/token would issue it (lib/auth/token.c: the same
claims, ES256 with the signing key in force, its kid in the header), each with its own jti, so each is
a token daftar has not verified yet. The private key is opened with the master key as lib/auth/crypto.c
seals it (hex of AES-256-GCM nonce || ciphertext || tag). For the workloads with many officers
(bench/drive.py): a login costs a scrypt hash, 10,000 of them hours on this machine. --otp: amr
["pwd", "otp"], a session that has passed the second factor (confidential files need it).
Benchmark only: it needs the master key, which only the cluster's owner has.
"""
import argparse
import secrets
import subprocess
import sys
import time

import jwt
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ap = argparse.ArgumentParser()
ap.add_argument("--sock", required=True)
ap.add_argument("--port", required=True)
ap.add_argument("--master-key-file", required=True)
ap.add_argument("--otp", action="store_true")
o = ap.parse_args()

row = subprocess.run(["psql", "-X", "-q", "-tA", "-F", "\t", "-h", o.sock, "-p", o.port, "-U", "postgres", "-d", "daftar",
                      "-c", "SELECT kid, private_enc FROM daftar.signing_keys WHERE signs_from <= now() "
                            "AND (signs_until IS NULL OR signs_until > now()) ORDER BY signs_from DESC LIMIT 1"],
                     check=True, capture_output=True, text=True).stdout.strip().split("\t")
kid, sealed = row[0], bytes.fromhex(row[1])
with open(o.master_key_file) as f:
    master = bytes.fromhex(f.read().strip())
pem = AESGCM(master).decrypt(sealed[:12], sealed[12:], None)
uids = [line.strip() for line in sys.stdin if line.strip()]
gens = dict(tuple(line.split("\t")) for line in subprocess.run(
    ["psql", "-X", "-q", "-tA", "-F", "\t", "-h", o.sock, "-p", o.port, "-U", "postgres", "-d", "daftar", "-c",
     "SELECT uid, token_generation FROM daftar.officers WHERE uid = ANY ('{%s}')" % ",".join(sorted(set(uids)))],
    check=True, capture_output=True, text=True).stdout.splitlines() if line)
now = int(time.time())
out = []
for uid in uids:
    claims = {"iss": "daftar", "aud": "daftar-api", "sub": uid, "iat": now, "nbf": now, "exp": now + 900,
              "jti": secrets.token_hex(16), "token_use": "access", "gen": int(gens[uid]),
              "amr": ["pwd", "otp"] if o.otp else ["pwd"]}
    out.append(jwt.encode(claims, pem, algorithm="ES256", headers={"kid": kid}))
sys.stdout.write("\n".join(out) + "\n")
