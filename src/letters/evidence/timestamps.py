"""Data → an RFC 3161 token from a TSA over HTTP; a token + data + trust roots → its verified time.

pyHanko's timestamp client and CMS validation do the ASN.1, the signature and the certificate path
(pyhanko-certvalidator); this module only chooses what to trust and names each refusal.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from letters.errors import LettersError


class TimestampError(LettersError):
    """A timestamp token could not be obtained, or does not prove what it should."""


class TimestampUnavailableError(TimestampError):
    """No TSA in the policy answered: the batch stays "not timestamped" until `timestamp --pending`."""


@dataclass(frozen=True)
class Token:
    der: bytes  # the TimeStampToken (CMS ContentInfo), as stored in timestamp.tsr
    tsa_url: str
    gen_time: datetime


def request_token(data: bytes, tsa_urls: Sequence[str], timeout: int = 10) -> Token:
    """POST a TimeStampReq for SHA-256(data) to each TSA in turn; the first good answer wins."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if not tsa_urls:
        raise TimestampUnavailableError("no TSA configured (policy [timestamps] tsa_urls)")
    digest = hashlib.sha256(data).digest()
    failures: list[str] = []
    for url in tsa_urls:
        try:
            # pyHanko opens and closes an aiohttp session for each request.
            token = asyncio.run(HTTPTimeStamper(url, timeout=timeout).async_timestamp(digest, "sha256"))
        except Exception as exc:  # aiohttp, TSA refusal, bad DER: try the next TSA, report them all
            failures.append(
                f"{url}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
            )
            continue
        der = token.dump()
        info = token["content"]["encap_content_info"]["content"].parsed
        if info["message_imprint"]["hashed_message"].native != digest:
            # pyHanko checks the nonce, not the imprint: a TSA answering for other data is no answer.
            failures.append(f"{url}: answered with a token for other data")
            continue
        return Token(der=der, tsa_url=url, gen_time=token_time(der))
    raise TimestampUnavailableError("no TSA answered (" + "; ".join(failures) + ")")


def token_time(der: bytes) -> datetime:
    """The TSA's genTime, read without checking anything (for display and the ledger column)."""
    from asn1crypto import cms, tsp

    _ = tsp  # importing asn1crypto.tsp registers TSTInfo as the content type a token encapsulates
    try:
        info = cms.ContentInfo.load(der)["content"]["encap_content_info"]["content"].parsed
        moment: datetime = info["gen_time"].native
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TimestampError(f"not an RFC 3161 timestamp token ({exc})") from None
    return moment


def load_roots(paths: Sequence[Path]) -> list[Any]:
    """PEM or DER certificates (a PEM file may hold several) → asn1crypto certificates."""
    from asn1crypto import pem, x509

    roots: list[Any] = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise TimestampError(f"{path}: cannot read trust roots ({exc.strerror})") from None
        try:
            if pem.detect(raw):
                roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(raw, multiple=True))
            else:
                roots.append(x509.Certificate.load(raw))
            for root in roots:
                _ = root.subject  # parse now, so a bad file is named here
        except (ValueError, TypeError) as exc:
            raise TimestampError(f"{path}: not a certificate ({exc})") from None
    return roots


def verify_token(der: bytes, data: bytes, roots: Sequence[Any]) -> datetime:
    """The token's time if it covers SHA-256(data), its signature holds and its TSA certificate
    chains to one of `roots` and was valid at that time; else TimestampError naming why."""
    from asn1crypto import cms
    from pyhanko.sign.general import CMSExtractionError, CMSStructuralError
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    for noisy in ("pyhanko", "pyhanko_certvalidator"):
        # pyHanko logs each refusal with a traceback; the refusal is reported here, in one line.
        logging.getLogger(noisy).addHandler(logging.NullHandler())
        logging.getLogger(noisy).propagate = False
    if not roots:
        raise TimestampError("no trust roots for timestamps (policy [timestamps] trust_roots)")
    moment = token_time(der)
    signed = cms.ContentInfo.load(der)["content"]
    # Judged at the token's own time: a TSA certificate that expired later does not undo a token
    # made while it was valid, one already expired (or not yet valid) then does.
    context = ValidationContext(
        trust_roots=list(roots), moment=moment, allow_fetching=False, revocation_mode="soft-fail"
    )

    def expected(algorithm: str) -> bytes:
        return hashlib.new(algorithm, data).digest()

    try:
        status = asyncio.run(validate_tst_signed_data(signed, context, expected))
    except (SignatureValidationError, CMSExtractionError, CMSStructuralError) as exc:
        raise TimestampError(f"timestamp token refused: {exc}") from None
    except ValueError as exc:  # an unknown digest algorithm in the imprint
        raise TimestampError(f"timestamp token refused: {exc}") from None
    if not status.get("intact"):
        raise TimestampError("timestamp token is for other data (its imprint differs)")
    if not status.get("valid"):
        raise TimestampError("timestamp token's signature does not verify")
    if status.get("trust_problem_indic") is not None:
        raise TimestampError(f"timestamp token's TSA certificate is not trusted: {_why_untrusted(status)}")
    return moment


def _why_untrusted(status: dict[str, Any]) -> str:
    indication = status.get("trust_problem_indic")
    name = getattr(indication, "name", str(indication))
    if name and "EXPIRED" in name:
        return f"expired at the token's time ({name})"
    if name and ("BOUNDS" in name or "NOT_YET" in name):
        return f"not valid at the token's time ({name})"
    if name and "CHAIN" in name:
        return f"it does not chain to the policy's trust roots ({name})"
    return name or "unknown reason"
