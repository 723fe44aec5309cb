"""bench/otp.py — the second factor of the officers cleared for confidential files, who sign in for real.

    otp.py seal --master-key-file F    one line: a new TOTP secret (hex) and the same secret sealed as
                                       daftar stores it in daftar.credentials.totp_secret
    otp.py code SECRET_HEX             the 6-digit code of now (RFC 6238: HMAC-SHA1, 30 s steps)

The seal is lib/auth/crypto.c's (hex of AES-256-GCM nonce || ciphertext || tag under the master key), so
bench/run can enrol the officers at seeding (by SQL, as the rest of the seed) and sign them in through
POST /v1/auth/token with their password and a code, as an officer with an authenticator does. Benchmark
only: sealing needs the master key, which only the cluster's owner has.
"""
import argparse
import hashlib
import hmac
import os
import struct
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ap = argparse.ArgumentParser()
sub = ap.add_subparsers(dest="what", required=True)
seal = sub.add_parser("seal")
seal.add_argument("--master-key-file", required=True)
code = sub.add_parser("code")
code.add_argument("secret")
o = ap.parse_args()

if o.what == "seal":
    with open(o.master_key_file) as f:
        master = bytes.fromhex(f.read().strip())
    secret, nonce = os.urandom(20), os.urandom(12)
    print("%s\t%s" % (secret.hex(), (nonce + AESGCM(master).encrypt(nonce, secret, None)).hex()))
else:
    mac = hmac.new(bytes.fromhex(o.secret), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    print("%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000))
