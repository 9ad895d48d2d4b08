"""A PDF + a PKCS#12 keystore (+ a timestamp authority) → the PDF signed at PAdES B-T, or B-B (pyHanko).

PAdES (ETSI EN 319 142-1): a CMS signature with the ETSI.CAdES.detached subfilter, the signer's
certificate signed into it. B-T adds an RFC 3161 timestamp over the signature from a TSA, so the
signing time is not the sender's own clock; without a TSA the signature is B-B and says so.

The keystore's password never comes from the command line (it would show in `ps` and shell
history): it is read from a file, or from the environment variable LETTERS_SIGN_PASSWORD.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters.errors import ConfigError, LettersError

PASSWORD_VARIABLE = "LETTERS_SIGN_PASSWORD"  # noqa: S105 (the variable's name, not a password)
FIELD_NAME = "LettersSignature"
# A visible signature sits in the last page's bottom margin, right of the QR code and below the
# footer line (letters' templates keep that strip free on A4 and US Letter): x1, y1, x2, y2 in pt.
VISIBLE_BOX = (130, 5, 380, 30)


class SigningError(LettersError):
    """A keystore cannot be opened or a PDF cannot be signed."""


@dataclass(frozen=True)
class SigningOptions:
    """How to sign: the keystore, where its password is, the TSA (None: B-B), a visible stamp or not."""

    keystore: Path
    password_file: Path | None = None
    tsa_url: str | None = None
    visible: bool = False
    reason: str = "Sent by letters; any change after signing invalidates this signature"
    location: str | None = None


def read_password(password_file: Path | None) -> bytes:
    """The keystore password: the file's first line, else $LETTERS_SIGN_PASSWORD."""
    if password_file is not None:
        try:
            lines = password_file.read_bytes().splitlines()
        except OSError as exc:
            raise ConfigError(
                f"{password_file}: cannot read the keystore password ({exc.strerror or exc})"
            ) from None
        return lines[0] if lines else b""
    value = os.environ.get(PASSWORD_VARIABLE)
    if value is None:
        raise ConfigError(
            f"no keystore password: set {PASSWORD_VARIABLE} or give --sign-password-file "
            "(never on the command line)"
        )
    return value.encode("utf-8")


def load_signer(keystore: Path, password: bytes) -> Any:
    """pyHanko's signer from a PKCS#12 file (key, certificate and its chain)."""
    from pyhanko.sign.signers import SimpleSigner

    if not keystore.is_file():
        raise ConfigError(f"{keystore}: no such keystore")
    try:
        signer = SimpleSigner.load_pkcs12(pfx_file=str(keystore), passphrase=password)  # type: ignore[no-untyped-call]
    except (ValueError, OSError) as exc:
        raise SigningError(f"{keystore}: cannot open the keystore ({exc})") from None
    if signer is None:  # pyHanko logs the cause and returns None
        raise SigningError(f"{keystore}: cannot open the keystore (wrong password, or not PKCS#12)")
    return signer


def timestamper_for(tsa_url: str | None) -> Any:
    """An RFC 3161 client for the TSA (HTTP POST of a TimeStampReq), or None for B-B."""
    if not tsa_url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(tsa_url)


def sign_pdf(
    pdf: bytes,
    signer: Any,
    *,
    timestamper: Any = None,
    visible: bool = False,
    reason: str | None = None,
    location: str | None = None,
    name: str = "PDF",
) -> bytes:
    """The PDF with one PAdES signature added as an incremental update (the signed bytes stay as
    they were, byte for byte, before the new section)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as HankoSigningError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if visible:
            fields.append_signature_field(
                writer, fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=VISIBLE_BOX)
            )
        else:
            _blank_field(writer)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
    except TimestampRequestError as exc:
        raise SigningError(f"{name}: the timestamp authority did not answer ({exc})") from None
    except (PdfError, HankoSigningError, ValueError) as exc:
        raise SigningError(f"{name}: cannot be signed ({exc})") from None
    return bytes(out.getbuffer())


def sign_with_options(options: SigningOptions) -> Callable[[bytes, str], bytes]:
    """A one-argument function that signs PDF bytes as ``options`` say (the keystore opened once)."""
    signer = load_signer(options.keystore, read_password(options.password_file))
    timestamper = timestamper_for(options.tsa_url)

    def sign(pdf: bytes, name: str = "PDF") -> bytes:
        return sign_pdf(
            pdf,
            signer,
            timestamper=timestamper,
            visible=options.visible,
            reason=options.reason,
            location=options.location,
            name=name,
        )

    return sign


def _blank_field(writer: Any) -> None:
    """An invisible (zero-size) signature field that has its own blank appearance.

    pyHanko's own invisible field has no appearance stream, and Ghostscript — what print shops'
    RIPs run — warns "AcroForm field 'Sig' with no AP not implemented" on every such letter. Added in
    the same incremental update as the signature, so the unsigned letter's bytes stay its prefix.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    g: Any = generic  # pyHanko's generic objects are untyped
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=(0, 0, 0, 0)))
    field = writer.root["/AcroForm"]["/Fields"][-1].get_object()
    blank = g.StreamObject(
        {
            g.NameObject("/Type"): g.NameObject("/XObject"),
            g.NameObject("/Subtype"): g.NameObject("/Form"),
            g.NameObject("/BBox"): g.ArrayObject([g.NumberObject(0)] * 4),
        },
        stream_data=b"q Q\n",  # not empty: an empty stream would be saved as invalid Flate data
    )
    field[g.NameObject("/AP")] = g.DictionaryObject({g.NameObject("/N"): writer.add_object(blank)})
