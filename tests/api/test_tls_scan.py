"""testssl.sh against the TLS listener: TLS 1.2+ only, no weak cipher, no flagged vulnerability.

Slow (a minute or two), so it runs only when DAFTAR_TLS_SCAN=1 (.ci/run sets
it; tests/run passes it to the first API run only).
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import Server

pytestmark = pytest.mark.skipif(os.environ.get("DAFTAR_TLS_SCAN") != "1", reason="DAFTAR_TLS_SCAN=1 runs the TLS scan")


def test_testssl_finds_nothing(tls_files, tmp_path):
    exe = shutil.which("testssl") or shutil.which("testssl.sh")
    assert exe, "testssl.sh is not installed (deploy/deps.sh installs it)"
    s = Server(tls=tls_files)
    try:
        out = tmp_path / "scan.json"
        # protocols, cipher categories, server preferences, vulnerabilities; no client simulation
        subprocess.run([exe, "--quiet", "--fast", "--ip", "one", "--warnings", "off", "--color", "0",
                        "--protocols", "--std", "--server-preference", "--vulnerable",
                        "--jsonfile", str(out), "127.0.0.1:%d" % s.tls_port],
                       capture_output=True, text=True, timeout=600)
        findings = json.loads(out.read_text())
    finally:
        s.stop()
    by_id = {f["id"]: f for f in findings}
    for proto in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
        assert "not offered" in by_id[proto]["finding"], by_id[proto]
    for proto in ("TLS1_2", "TLS1_3"):
        assert by_id[proto]["finding"].startswith("offered"), by_id[proto]
    # the self-signed test certificate is expected to be untrusted; everything else must be clean
    ignore = {"cert_chain_of_trust", "cert_trust", "cert_caIssuers", "cert_crlDistributionPoints", "cert_ocspURL",
              "OCSP_stapling", "cert_revocation", "DNS_CAArecord", "cert_commonName", "cert_subjectAltName",
              "cert_notAfter", "cert_validityPeriod", "scanProblem", "overall_grade", "cert_ocspRevoked"}
    bad = [f for f in findings if f["severity"] in ("MEDIUM", "HIGH", "CRITICAL")
           and f["id"] not in ignore and not f["id"].startswith("cert_")]
    assert bad == [], json.dumps(bad, indent=1)
