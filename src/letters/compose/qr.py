"""Verification payload (letter id + data SHA-256, optionally in a URL) → QR code PNG data URL."""

from __future__ import annotations

import base64
import io
import string

from letters.errors import ConfigError

DEFAULT_PATTERN = "LETTERS:1:{id}:{sha256}"
_BOX = 3  # pixels a module: sharp enough for Word, which smooths an enlarged bitmap


def check_pattern(pattern: str) -> None:
    """A payload pattern may use {id} and {sha256} only; both must appear so the code is unique."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"QR pattern {pattern!r}: {exc}") from None
    if names != {"id", "sha256"}:
        raise ConfigError(f"QR pattern {pattern!r} must contain exactly the fields {{id}} and {{sha256}}")


def verification_payload(letter_id: str, sha256: str, pattern: str = DEFAULT_PATTERN) -> str:
    """What the QR code encodes; letter ids are already file-name safe, so they are URL safe too."""
    check_pattern(pattern)
    return pattern.format(id=letter_id, sha256=sha256)


def qr_png(payload: str) -> bytes:
    """The payload as a QR code PNG (error correction M: survives a fold or a smudge).

    Drawn from the module matrix as an 8-bit grey image, 3 px a module: qrcode's own image
    factory draws module by module (~3 ms) and gives a 1-bit image that WeasyPrint widens to RGB.
    """
    import qrcode
    from PIL import Image
    from qrcode.constants import ERROR_CORRECT_M

    # A fixed mask pattern is valid QR; choosing the "best" one cost ~30 ms a letter.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=0)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in matrix for dark in row))
    image = image.resize((size * _BOX, size * _BOX), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_url(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode("ascii")
