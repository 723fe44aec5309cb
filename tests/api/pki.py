"""A test PKI: a CA, officer certificates (valid, expired, short-lived, from another CA), and detached CMS
signatures over a note's hash, made the way a signing tool (or a USB token's software) makes them."""
import base64
import hashlib
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class CA:
    def __init__(self, cn="daftar test CA", parent=None, path_length=0):
        """A root CA, or with `parent` an intermediate CA that parent issues (give the parent path_length=1)."""
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.utcnow()
        issuer, issuer_key = (parent.cert.subject, parent.key) if parent else (_name(cn), self.key)
        self.cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(issuer)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
                     .sign(issuer_key, hashes.SHA256()))

    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def crl(self, revoked=(), days=1):
        """This CA's certificate revocation list (PEM) revoking the given signers or CAs, valid for `days`
        (a negative number: a CRL that has expired)."""
        now = datetime.datetime.utcnow()
        last = now - datetime.timedelta(minutes=5) if days > 0 else now + datetime.timedelta(days=days - 1)
        b = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
             .last_update(last).next_update(now + datetime.timedelta(days=days)))
        for signer in revoked:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(signer.cert.serial_number)
                                          .revocation_date(now - datetime.timedelta(minutes=1)).build())
        return b.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def issue(self, cn, not_before=None, not_after=None, seconds=None):
        """An officer's signing certificate; `seconds` makes one that expires that soon."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.utcnow()
        nb = not_before or now - datetime.timedelta(hours=1)
        na = not_after or (now + datetime.timedelta(seconds=seconds) if seconds else now + datetime.timedelta(days=10))
        cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(self.cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(nb).not_valid_after(na)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .sign(self.key, hashes.SHA256()))
        return Signer(key, cert)


class Signer:
    def __init__(self, key, cert):
        self.key, self.cert = key, cert

    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def fingerprint(self):
        return hashlib.sha256(self.cert.public_bytes(serialization.Encoding.DER)).hexdigest()

    def registration(self, uid):
        """The body of POST /v1/me/certificates: the certificate and the proof that uid holds its key."""
        return {"certificate": self.pem(), "proof": self.sign("daftar-certificate:%s:%s" % (uid, self.fingerprint()))}

    def sign(self, data):
        """Detached CMS (DER, base64) over data: bytes, or a note's hash as text."""
        if isinstance(data, str):
            data = data.encode()
        der = (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(self.cert, self.key, hashes.SHA256())
               .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
        return base64.b64encode(der).decode()
