"""The tests' one RFC 3161 TSA on 127.0.0.1 and their throw-away PKI: pyHanko's TSA responder (RSA
only) behind HTTP, a root, TSA certificates (good, expired, from an untrusted root) and a signer's
PKCS#12 keystore for PAdES signing tests.

The client under test POSTs a TimeStampReq exactly as it would to a public TSA; the responder signs
with a key made here. Timestamp tests (make_root / make_tsa / serve_tsa) and signing tests
(make_pki / local_tsa / dummy_timestamper) share this one server and one certificate factory.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = b"correct horse battery staple"  # the test keystore's (make_pki)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_root(common: str) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def _leaf(
    root: Issued, common: str, start: datetime, end: datetime, usage: x509.KeyUsage, eku: Any
) -> Issued:
    """An end-entity certificate issued by ``root`` (a TSA's or a signer's)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
    )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    return Issued(builder.sign(root.key, hashes.SHA256()), key)


def make_tsa(root: Issued, common: str, *, expired: bool = False) -> Issued:
    """A TSA certificate (digital signature, time stamping only); expired: ended 35 days ago."""
    now = datetime.now(UTC)
    start, end = (now - timedelta(days=400), now - timedelta(days=35)) if expired else _a_year(now)
    usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
    return _leaf(root, common, start, end, usage, ExtendedKeyUsageOID.TIME_STAMPING)


def make_signer(root: Issued, common: str) -> Issued:
    """A document signer's certificate (digital signature, non-repudiation)."""
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    return _leaf(root, common, *_a_year(datetime.now(UTC)), usage, None)


def _a_year(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=1), now + timedelta(days=365)


@dataclass(frozen=True)
class Pki:
    """A root, a signer with a PKCS#12 keystore and a TSA, for signing tests."""

    root: Issued
    tsa: Issued
    root_pem: Path
    keystore: Path  # signer key + certificate + root, PKCS#12, protected by PASSWORD


def make_pki(folder: Path) -> Pki:
    root = make_root("Letters Test Root CA")
    signer = make_signer(root, "Sakura Law Office (test)")
    keystore = folder / "signer.p12"
    keystore.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", signer.key, signer.cert, [root.cert], serialization.BestAvailableEncryption(PASSWORD)
        )
    )
    return Pki(root, make_tsa(root, "Letters Test TSA"), write_pem(folder / "root.pem", root), keystore)


def dummy_timestamper(pki: Pki) -> Any:
    """pyHanko's timestamper signing with the PKI's TSA in-process (no HTTP): for sign_pdf calls."""
    return _stamper(pki.tsa, pki.root, None)


def local_tsa(pki: Pki) -> AbstractContextManager[str]:
    """The PKI's TSA served over HTTP on 127.0.0.1 (serve_tsa); yields its URL."""
    return serve_tsa(pki.tsa, pki.root)


def write_pem(path: Path, issued: Issued) -> Path:
    path.write_bytes(issued.cert.public_bytes(serialization.Encoding.PEM))
    return path


def _stamper(tsa: Issued, root: Issued, fixed_dt: datetime | None) -> Any:
    from asn1crypto import keys
    from asn1crypto import x509 as ax509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = ax509.Certificate.load(tsa.cert.public_bytes(serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(
        tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    store = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [ax509.Certificate.load(root.cert.public_bytes(serialization.Encoding.DER))]
    )
    return DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=store, fixed_dt=fixed_dt)


@contextmanager
def serve_tsa(
    tsa: Issued, root: Issued, fixed_dt: datetime | None = None, *, other_imprint: bool = False
) -> Iterator[str]:
    """A TSA answering HTTP POSTs of application/timestamp-query at the returned URL;
    other_imprint: a faulty one that signs a different digest than it was asked to."""
    from asn1crypto import tsp

    stamper = _stamper(tsa, root, fixed_dt)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            request = tsp.TimeStampReq.load(body)
            if other_imprint:
                request["message_imprint"]["hashed_message"] = bytes(32)
            reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
