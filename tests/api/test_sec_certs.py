"""Signing certificates: proof of possession and revocation (security review items 11 and 12).

11: anyone could register someone else's certificate (no binding, no proof): registration now needs
    a signature with the certificate's key over "daftar-certificate:<UID>:<fingerprint>".
12: no revocation check: a CRL per CA in signing_crl_dir (re-read when it changes) refuses revoked
    certificates at registration and at signing.
"""
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from pki import CA
from test_auth import Officers, bearer, tokens

CERTS = "/v1/me/certificates"


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("sce")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    ca, other_ca = CA("Revoking CA"), CA("CA without a CRL")
    d = tmp_path_factory.mktemp("pki")
    (d / "cas.pem").write_bytes(ca.pem() + other_ca.pem())
    crls = d / "crl"
    crls.mkdir()
    (crls / "revoking-ca.pem").write_bytes(ca.crl())
    s = Server(env_extra=dict(env, DAFTAR_SIGNING_CA=str(d / "cas.pem"), DAFTAR_SIGNING_CRL_DIR=str(crls)))
    s.wait_ready()
    w = {"dept": dept, "server": s, "ca": ca, "other_ca": other_ca, "crls": crls,
         "alice": off.add(dept)[0], "bob": off.add(dept)[0], "carol": off.add(dept)[0]}
    yield w
    s.stop()


@pytest.fixture
def c(w):
    with httpx.Client(base_url=w["server"].url, http1=False, http2=True, timeout=20) as client:
        yield client


def hdr(c, w, who, cache={}):
    if who not in cache:
        cache[who] = bearer(tokens(c, w[who])["access_token"])
    return cache[who]


def test_nobody_registers_a_certificate_whose_key_they_do_not_hold(c, w):
    alice_key = w["ca"].issue("Alice Rao")
    # bob has alice's certificate (it is public) but not her key
    bob_key = w["ca"].issue("Bob Das")
    forged = {"certificate": alice_key.pem(), "proof": bob_key.sign("daftar-certificate:%s:%s" % (w["bob"], alice_key.fingerprint()))}
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json=forged), 422)
    # nor with a proof alice made for herself (bound to her UID)
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json=alice_key.registration(w["alice"])), 422)
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json={"certificate": alice_key.pem()}), 400)
    assert c.get(CERTS, headers=hdr(c, w, "bob")).json()["items"] == []
    r = c.post(CERTS, headers=hdr(c, w, "alice"), json=alice_key.registration(w["alice"]))
    assert r.status_code == 201, r.text


def test_a_revoked_certificate_is_refused_at_registration_and_at_signing(c, w):
    kept, revoked_later, revoked_now = (w["ca"].issue("Carol Jain %d" % i) for i in range(3))
    r = c.post(CERTS, headers=hdr(c, w, "carol"), json=revoked_later.registration(w["carol"]))
    assert r.status_code == 201, r.text
    files = "/v1/departments/%s/files" % w["dept"]
    f = c.post(files, headers=hdr(c, w, "carol"), json={"subject": "Revocation", "section": "GEN"}).json()
    n = c.post(files + "/%s/notes" % f["id"], headers=hdr(c, w, "carol"), json={"body": "Signed note."}).json()
    # the operator publishes the CA's new CRL; the server reads it again by itself
    (w["crls"] / "revoking-ca.pem").write_bytes(w["ca"].crl(revoked=[revoked_later, revoked_now]))
    time.sleep(1.1)  # the directory is looked at once a second at most
    r = c.put(files + "/%s/notes/%d/signature" % (f["id"], n["n"]), headers=hdr(c, w, "carol"),
              json={"signature": revoked_later.sign(n["hash"])})
    body = assert_problem(r, 422)
    assert "revoked" in body["detail"]
    body = assert_problem(c.post(CERTS, headers=hdr(c, w, "carol"), json=revoked_now.registration(w["carol"])), 422)
    assert "revoked" in body["detail"]
    # not revoked: still fine, and so is a CA that publishes no CRL
    assert c.post(CERTS, headers=hdr(c, w, "carol"), json=kept.registration(w["carol"])).status_code == 201
    other = w["other_ca"].issue("Carol Jain (other CA)")
    assert c.post(CERTS, headers=hdr(c, w, "carol"), json=other.registration(w["carol"])).status_code == 201
