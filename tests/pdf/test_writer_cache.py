"""One PdfWriter renders many letters: asset images are encoded once, QR codes are forgotten."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from letters.compose.qr import qr_data_url
from letters.pdf.writer import PdfWriter
from tests.conftest import ROOT

SEAL = (ROOT / "letterheads" / "sakura-finance" / "seal.png").as_uri()


def _html(payload: str) -> str:
    return (
        '<html lang="ja"><body><p>テスト</p>'
        f'<img src="{SEAL}" style="width: 20mm"><img src="{qr_data_url(payload)}" style="width: 17mm">'
        "</body></html>"
    )


def _xobjects(data: bytes) -> list[Any]:
    page = PdfReader(io.BytesIO(data)).pages[0]
    resources: Any = page["/Resources"]
    return [ref.get_object() for ref in resources["/XObject"].values()]


def _images(data: bytes) -> list[tuple[int, int, bool]]:
    return sorted((int(i["/Width"]), int(i["/Height"]), "/SMask" in i) for i in _xobjects(data))


def _write(writer: PdfWriter, payload: str) -> bytes:
    return writer.write_document(
        _html(payload), ("letter.css",), lang="ja", name=payload, fields={}, strict=True
    ).data


def test_every_letter_gets_the_seal_and_its_own_qr_while_the_cache_stays_flat(tmp_path: Path) -> None:
    writer = PdfWriter(ROOT / "templates", ROOT / "letterheads")
    first = _write(writer, "LETTERS:1:A:" + "0" * 64)
    cached = set(writer.image_cache)
    later = [_write(writer, f"LETTERS:1:{n}:" + "1" * 64) for n in "BCDE"]
    # The seal (with its transparency as a soft mask) is in every PDF, not only the first one.
    for data in (first, *later):
        images = _images(data)
        assert (260, 260, True) in images, images
        assert any(not smask and width < 260 for width, _, smask in images), images  # the QR code
    # No QR image, nor the streams WeasyPrint encoded from it, is kept after its letter.
    assert set(writer.image_cache) == cached
    assert not any(str(key).startswith("data:") for key in writer.image_cache)
    # Each letter carries its own QR code: the encoded QR streams differ.
    qr_streams = set()
    for data in later:
        for image in _xobjects(data):
            if "/SMask" not in image and int(image["/Width"]) < 260:
                qr_streams.add(image.get_data())
    assert len(qr_streams) == 4
