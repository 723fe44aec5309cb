"""Signing certificates: proof of possession and revocation (security review items 11 and 12).

11: anyone could register someone else's certificate (no binding, no proof): registration now needs
    a signature with the certificate's key over "daftar-certificate:<UID>:<fingerprint>".
12: no revocation check: a CRL per CA in signing_crl_dir (re-read when it changes) refuses revoked
    certificates at registration and at signing; a damaged CRL file never lifts revocations, and
    a CA revoked by its parent's CRL takes its officers' certificates with it.
"""
import time

import httpx
import pytest

from conftest import Server, assert_problem, keyed_env
from pki import CA
from test_auth import Officers, bearer, tokens

CERTS = "/v1/me/certificates"
RELOAD = 1.1  # the CRL directory is looked at once a second at most


@pytest.fixture(scope="module")
def w(db, tmp_path_factory):
    env = keyed_env(db)
    dept = db.add_dept("sce")
    off = Officers(db, str(tmp_path_factory.mktemp("pw")))
    ca, other_ca = CA("Revoking CA"), CA("CA without a CRL")
    root = CA("State root CA", path_length=1)
    licensed = CA("Licensed CA", parent=root)
    d = tmp_path_factory.mktemp("pki")
    (d / "cas.pem").write_bytes(ca.pem() + other_ca.pem() + root.pem() + licensed.pem())
    crls = d / "crl"
    crls.mkdir()
    (crls / "revoking-ca.pem").write_bytes(ca.crl())
    (crls / "root.pem").write_bytes(root.crl())
    env = dict(env, DAFTAR_SIGNING_CA=str(d / "cas.pem"), DAFTAR_SIGNING_CRL_DIR=str(crls))
    s = Server(env_extra=env)
    s.wait_ready()
    w = {"dept": dept, "server": s, "env": env, "pki": d, "ca": ca, "other_ca": other_ca, "root": root,
         "licensed": licensed, "crls": crls, "alice": off.add(dept)[0], "bob": off.add(dept)[0],
         "carol": off.add(dept)[0], "dan": off.add(dept)[0]}
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


def register(c, w, who, signer):
    return c.post(CERTS, headers=hdr(c, w, who), json=signer.registration(w[who]))


def publish_crl(w, name, pem):
    """The operator replaces a CA's CRL file; the server reads it again by itself."""
    (w["crls"] / name).write_bytes(pem)
    time.sleep(RELOAD)


def signable_note(c, w, who, subject):
    files = "/v1/departments/%s/files" % w["dept"]
    f = c.post(files, headers=hdr(c, w, who), json={"subject": subject, "section": "GEN"}).json()
    n = c.post(files + "/%s/notes" % f["id"], headers=hdr(c, w, who), json={"body": "Signed note."}).json()
    return files + "/%s/notes/%d/signature" % (f["id"], n["n"]), n["hash"]


def test_nobody_registers_a_certificate_whose_key_they_do_not_hold(c, w):
    alice_key = w["ca"].issue("Alice Rao")
    # bob has alice's certificate (it is public) but not her key; the certificate alone is not enough
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json={"certificate": alice_key.pem()}), 400)
    # nor a proof made with his own key
    bob_key = w["ca"].issue("Bob Das")
    forged = {"certificate": alice_key.pem(),
              "proof": bob_key.sign("daftar-certificate:%s:%s" % (w["bob"], alice_key.fingerprint()))}
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json=forged), 422)
    # nor the proof alice made for herself (it names her UID)
    assert_problem(c.post(CERTS, headers=hdr(c, w, "bob"), json=alice_key.registration(w["alice"])), 422)
    assert c.get(CERTS, headers=hdr(c, w, "bob")).json()["items"] == []
    # so alice's certificate is still hers to register
    r = register(c, w, "alice", alice_key)
    assert r.status_code == 201, r.text
    assert [x["subject"] for x in c.get(CERTS, headers=hdr(c, w, "alice")).json()["items"]] == ["CN=Alice Rao,C=IN"]


def test_a_revoked_certificate_is_refused_at_registration_and_at_signing(c, w):
    kept, revoked_later, revoked_now = (w["ca"].issue("Carol Jain %d" % i) for i in range(3))
    r = register(c, w, "carol", revoked_later)
    assert r.status_code == 201, r.text
    signed_url, signed_hash = signable_note(c, w, "carol", "Signed before the revocation")
    r = c.put(signed_url, headers=hdr(c, w, "carol"), json={"signature": revoked_later.sign(signed_hash)})
    assert r.status_code == 201, r.text
    url, hash_ = signable_note(c, w, "carol", "Signed after the revocation")
    publish_crl(w, "revoking-ca.pem", w["ca"].crl(revoked=[revoked_later, revoked_now]))
    r = c.put(url, headers=hdr(c, w, "carol"), json={"signature": revoked_later.sign(hash_)})
    assert "revoked" in assert_problem(r, 422)["detail"]
    assert "revoked" in assert_problem(register(c, w, "carol", revoked_now), 422)["detail"]
    # a signature made before the revocation still verifies; its certificate is no longer good today
    shown = c.get(signed_url, headers=hdr(c, w, "carol")).json()
    assert shown["valid"] is True and shown["certificate_valid_now"] is False
    # not revoked: still fine, and so is a CA that publishes no CRL
    assert register(c, w, "carol", kept).status_code == 201
    assert register(c, w, "carol", w["other_ca"].issue("Carol Jain (other CA)")).status_code == 201


def test_a_damaged_or_expired_crl_never_lets_a_revoked_certificate_through(c, w):
    revoked, fresh = w["ca"].issue("Dan Roy revoked"), w["ca"].issue("Dan Roy")
    good = w["ca"].crl(revoked=[revoked])
    publish_crl(w, "revoking-ca.pem", good)
    assert "revoked" in assert_problem(register(c, w, "dan", revoked), 422)["detail"]
    # the operator's copy is cut short (a refresh caught half-written): the CRLs read before stay in force
    publish_crl(w, "revoking-ca.pem", w["ca"].crl()[:200])
    assert "revoked" in assert_problem(register(c, w, "dan", revoked), 422)["detail"]
    assert any("holds no CRL" in line.get("msg", "") for line in w["server"].log_lines())
    # a CRL past its next update refuses every certificate of its CA until it is refreshed
    publish_crl(w, "revoking-ca.pem", w["ca"].crl(days=-1))
    assert "expired" in assert_problem(register(c, w, "dan", fresh), 422)["detail"]
    publish_crl(w, "revoking-ca.pem", good)
    assert register(c, w, "dan", fresh).status_code == 201
    # and a server never starts with a CRL file it cannot read
    (w["pki"] / "bad-crl").mkdir()
    (w["pki"] / "bad-crl" / "ca.pem").write_bytes(b"not a CRL")
    with pytest.raises(RuntimeError, match="holds no CRL"):
        Server(env_extra=dict(w["env"], DAFTAR_SIGNING_CRL_DIR=str(w["pki"] / "bad-crl")))


def test_a_ca_revoked_by_its_parent_takes_its_certificates_with_it(c, w):
    before, after = w["licensed"].issue("Bob Das (licensed CA)"), w["licensed"].issue("Bob Das 2 (licensed CA)")
    assert register(c, w, "bob", before).status_code == 201
    url, hash_ = signable_note(c, w, "bob", "The licensed CA is revoked")
    publish_crl(w, "root.pem", w["root"].crl(revoked=[w["licensed"]]))
    assert "revoked" in assert_problem(register(c, w, "bob", after), 422)["detail"]
    r = c.put(url, headers=hdr(c, w, "bob"), json={"signature": before.sign(hash_)})
    assert "revoked" in assert_problem(r, 422)["detail"]
