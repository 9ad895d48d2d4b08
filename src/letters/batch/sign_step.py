"""A rendered letter's PDF → signed (PAdES B-T, or B-B) when a keystore is given and its kind is signed."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from letters.batch.options import Options
from letters.compose.render_html import Letter
from letters.decide.signing_policy import SigningPolicy
from letters.evidence.signing import SigningOptions, sign_with_options


@lru_cache(maxsize=2)
def _signer(options: SigningOptions) -> Callable[[bytes, str], bytes]:
    # Once per process: each worker opens the keystore itself (a key is not sent between processes).
    return sign_with_options(options)


def _signing_options(options: Options, signing: SigningPolicy) -> SigningOptions | None:
    if options.sign_with is None:
        return None
    return SigningOptions(options.sign_with, options.sign_password_file, signing.tsa_url, signing.visible)


def check_signing(options: Options, signing: SigningPolicy) -> None:
    """Open the keystore before any letter is rendered: a wrong password stops the batch at once,
    with one error, instead of failing every letter to be signed."""
    chosen = _signing_options(options, signing)
    if chosen is not None:
        _signer(chosen)


def sign_letter(pdf: bytes, letter: Letter, options: Options, signing: SigningPolicy | None) -> bytes:
    """The letter's PDF, signed if its kind is one the policy signs; signed before it is hashed, so
    the ledger and the bag record the signed bytes."""
    chosen = None if signing is None else _signing_options(options, signing)
    if chosen is None or signing is None or not signing.signs(letter.planned.kind):
        return pdf
    return _signer(chosen)(pdf, f"letter {letter.id}")
