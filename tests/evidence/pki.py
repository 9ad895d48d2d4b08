"""A throw-away PKI for signing tests: a root CA, a signer with a PKCS#12 keystore, and a TSA served on
127.0.0.1 (pyHanko's test timestamper answering real RFC 3161 requests over HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
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

PASSWORD = b"correct horse battery staple"


@dataclass(frozen=True)
class Pki:
    root_pem: Path
    keystore: Path  # signer key + certificate + root, PKCS#12, protected by PASSWORD
    tsa_cert: Any  # asn1crypto, for pyHanko's timestamper
    tsa_key: Any


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Letters Test PKI"),
        ]
    )


def _certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    eku: Any = None,
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(folder: Path) -> Pki:
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate("Letters Test Root CA", root_key, _name("Letters Test Root CA"), root_key, ca=True)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = _certificate("Sakura Law Office (test)", signer_key, root.subject, root_key, ca=False)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = _certificate(
        "Letters Test TSA", tsa_key, root.subject, root_key, ca=False, eku=ExtendedKeyUsageOID.TIME_STAMPING
    )
    root_pem = folder / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    keystore = folder / "signer.p12"
    keystore.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", signer_key, signer, [root], serialization.BestAvailableEncryption(PASSWORD)
        )
    )
    der_key = tsa_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Pki(
        root_pem,
        keystore,
        asn1_x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
        keys.PrivateKeyInfo.load(der_key),
    )


def dummy_timestamper(pki: Pki) -> Any:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    return DummyTimeStamper(tsa_cert=pki.tsa_cert, tsa_key=pki.tsa_key)


@contextmanager
def local_tsa(pki: Pki) -> Iterator[str]:
    """An RFC 3161 TSA on 127.0.0.1 (HTTP POST of a DER TimeStampReq → TimeStampResp); yields its URL."""
    import asyncio

    from asn1crypto import tsp

    stamper = dummy_timestamper(pki)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
