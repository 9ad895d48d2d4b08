"""The address block, measured on the laid-out first page, sits in the envelope window with the
carrier's clearance; a block that does not is refused naming the line and the overflow in mm."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.compose.render_html import Letter, envelope_for, render_html
from letters.decide.policy import Policy
from letters.errors import RenderError
from letters.intake.accounts import Address
from letters.pdf.windows import INCH, WINDOWS, address_lines
from letters.pdf.writer import PdfWriter
from tests.conftest import ROOT
from tests.helpers import make_account, notice_sent

pytestmark = pytest.mark.slow
AS_OF = date(2026, 11, 23)
UK = Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street", "")
# (letter language, account changes) → the four layouts: naga3 (ja), dl (zh and en-GB), us10 (en-US).
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "ja-naga3": ("ja", {}),
    "zh-dl": ("zh", {}),
    "en-us10": (
        "en",
        {"debtor_type": "organisation", "debtor_name": "Doe Trading LLC", "gender": ""},
    ),  # a business: no validation notice first
    "en-GB-dl": ("en", {"address": UK, "currency": "GBP"}),
}


@cache
def writer() -> PdfWriter:
    return PdfWriter(ROOT / "templates", ROOT / "letterheads")


def letter(case: str, **changes: Any) -> Letter:
    lang, base = CASES[case]
    account = make_account(lang, account_id="W-1", **(base | changes))
    options = Options(as_of=AS_OF, letter_kind="demand")
    # A validation notice went out long ago: a US collector's demand may follow it.
    plan = make_plan([account], options, Policy(), notice_sent(account.account_id))
    letters, failed = build_letters(plan, options, Policy())
    assert failed == []
    return letters[0]


def write(lt: Letter) -> bytes:
    html = render_html(lt, ROOT / "templates").html
    lang = lt.planned.lang
    return (
        writer()
        .write(html, lang=lang, envelope=envelope_for(lt.sender.paper, lang), letter_id=lt.id, fields={})
        .data
    )


def laid_out(lt: Letter) -> Any:
    """The letter's first page as WeasyPrint lays it out (for the measurements the writer checks)."""
    import weasyprint

    w = writer()
    lang = lt.planned.lang
    html = render_html(lt, ROOT / "templates").html
    document = weasyprint.HTML(
        string=html, base_url=(ROOT / "templates").as_uri() + "/", url_fetcher=w.fetcher
    )
    sheets = [
        *w.stylesheets(w.letter_stylesheets(lang, envelope_for(lt.sender.paper, lang))),
        *w.font_sheet(lang),
    ]
    return document.render(font_config=w.font_config, stylesheets=sheets).pages[0]


def words_mm(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float, float]]:
    """poppler's word boxes on page 1 (xMin, yMin, xMax, yMax in mm): measured apart from WeasyPrint."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    mm = 25.4 / 72
    return [
        (m[5], float(m[1]) * mm, float(m[2]) * mm, float(m[3]) * mm, float(m[4]) * mm)
        for m in re.finditer(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]


def test_window_geometry_is_data_with_sources() -> None:
    assert WINDOWS["us10"].clearance == pytest.approx(0.125 * INCH)  # USPS DMM 601.6.3: 1/8 in
    assert (WINDOWS["us10"].width, WINDOWS["us10"].height) == pytest.approx((4.5 * INCH, 1.125 * INCH))
    for window in WINDOWS.values():
        assert window.source and window.clearance >= 3


@pytest.mark.parametrize("case", list(CASES))
def test_address_sits_in_the_window_with_clearance_with_or_without_a_number(
    case: str, tmp_path: Path
) -> None:
    plain = letter(case)
    marked = replace(plain, tracking_number="RR 123 456 785 GB", tracking_label="Registered No.")
    window = WINDOWS[envelope_for(plain.sender.paper, plain.planned.lang)]
    tops = []
    for lt in (plain, marked):
        lines = address_lines(laid_out(lt))
        assert len(lines) >= 4
        c = window.clearance
        assert all(window.left + c <= ln.left and ln.right <= window.right - c for ln in lines)
        assert window.top + c <= lines[0].top and lines[-1].bottom <= window.bottom - c
        tops.append(lines[0].top)
        write(lt)  # the writer's own check passes
    assert tops[0] == pytest.approx(tops[1])  # the registered-mail mark does not move the address
    # poppler finds the recipient's words inside the window too (a measurement WeasyPrint did not make).
    words = words_mm(write(marked), tmp_path)
    first_line = address_lines(laid_out(marked))[0].text
    # The recipient's first word, where it is printed: the same word elsewhere (the body, the
    # letterhead) is not the address.
    hits = [w for w in words if w[0] == first_line.split()[0]]
    assert any(
        window.left + window.clearance - 0.3 <= w[1] <= window.right and window.top <= w[2] <= window.bottom
        for w in hits
    ), (first_line, hits)


@pytest.mark.parametrize(
    ("case", "changes", "text"),
    [
        (
            "ja-naga3",
            {
                "address": Address(
                    "JP",
                    "163-1338",
                    "東京都",
                    "新宿区",
                    "",
                    "西新宿六丁目五番一号",
                    "新宿アイランドタワー三十八階 株式会社長い名前の会社 経理部",
                )
            },
            "新宿アイランドタワー三十八階",
        ),
        (
            "en-us10",
            {
                "address": Address(
                    "US",
                    "10118-0110",
                    "NY",
                    "New York",
                    "",
                    "350 Fifth Avenue, Empire State Building, Suite 3800, Floor 38, Receiving Department",
                    "",
                )
            },
            "Empire State Building",
        ),
        (
            "zh-dl",
            {
                "address": Address(
                    "CN",
                    "200120",
                    "上海市",
                    "上海市",
                    "浦东新区",
                    "世纪大道100号上海环球金融中心写字楼第三十八层整层东侧区域",
                    "",
                )
            },
            "上海环球金融中心",
        ),
        (
            "en-GB-dl",
            {"address": replace(UK, line1="Flat 38, Buckingham Palace Road Apartments, Westminster Village")},
            "Buckingham Palace",
        ),
    ],
)
def test_a_line_too_long_is_refused_not_wrapped(
    case: str, changes: dict[str, Any], text: str, tmp_path: Path
) -> None:
    lt = letter(case, **changes)
    window = WINDOWS[envelope_for(lt.sender.paper, lt.planned.lang)]
    with pytest.raises(RenderError) as info:
        write(lt)
    message = str(info.value)
    assert message.startswith(
        f"letter {lt.id}: the address does not fit the {window.envelope} envelope window"
    )
    found = re.search(
        r"line (\d+) \((address|address block)\) '([^']*)' runs ([\d.]+) mm past the right edge", message
    )
    assert found is not None, message
    assert text in found[3]  # the whole line, laid out as one line: never broken to fit
    # The overflow is what the laid-out page measures: the long line's right end less the window's.
    (long_line,) = [ln for ln in address_lines(laid_out(lt)) if text in ln.text]
    assert float(found[4]) == pytest.approx(long_line.right - (window.right - window.clearance), abs=0.06)
    assert len([ln for ln in address_lines(laid_out(lt)) if ln.text == long_line.text]) == 1


def test_a_block_deeper_than_the_window_is_refused_naming_the_last_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Five lines (company, attention, two street lines, city) fill a #10 window; in a window 20 mm
    deep the last line falls below it, by what the laid-out page measures."""
    from letters.pdf import windows

    lt = letter(
        "en-us10",
        debtor_type="organisation",
        debtor_name="Harbor Street Dental PLLC",
        attention="Office Manager",
        address=Address("US", "33131-1234", "FL", "Miami", "", "801 Brickell Ave", "Suite 900"),
    )
    write(lt)  # fits the real window
    lines = address_lines(laid_out(lt))
    shallow = replace(WINDOWS["us10"], height=20.0)
    monkeypatch.setitem(windows.WINDOWS, "us10", shallow)
    with pytest.raises(RenderError) as info:
        write(lt)
    found = re.search(
        r"line 5 \(address block\) 'Miami, FL 33131-1234' is ([\d.]+) mm below the bottom edge",
        str(info.value),
    )
    assert found is not None, str(info.value)
    expected = lines[-1].bottom - (shallow.bottom - shallow.clearance)
    assert float(found[1]) == pytest.approx(expected, abs=0.06)


def test_words_that_must_not_break_stay_whole(tmp_path: Path) -> None:
    ja = letter(
        "ja-naga3",
        debtor_type="organisation",
        debtor_name="株式会社サンプル",
        attention="経理部 ご担当者",
        address=Address("JP", "163-1338", "東京都", "新宿区", "", "西新宿6-5-1", "新宿アイランドタワー38階"),
    )
    lines = [ln.text for ln in address_lines(laid_out(ja))]
    assert "経理部 ご担当者 様" in lines and "新宿アイランドタワー38階" in lines
    us = letter("en-us10", address=Address("US", "10118-0110", "NY", "New York", "", "350 Fifth Avenue", ""))
    assert "New York, NY 10118-0110" in [ln.text for ln in address_lines(laid_out(us))]
