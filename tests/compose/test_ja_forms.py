"""Japanese letter forms: 頭語・時候の挨拶・結語 by kind and debtor type, and company-type
abbreviations (㈱, (有) …) written out in the letter while the account keeps its raw name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from letters.compose.canonical import letter_data
from letters.compose.ja_greeting import CLOSINGS, OPENINGS, SEASONAL, greeting
from letters.compose.ja_names import COMPANY_TYPES, ENCLOSED, write_out
from letters.compose.naiyo import naiyo_text
from letters.compose.payment_plan import extra_context
from letters.compose.render_html import Letter, render_html
from letters.errors import RenderError
from tests.conftest import ROOT
from tests.helpers import pdftotext
from tests.render_helpers import letter_for, letter_pdf, render_with

PERSON = "時下ますますご清祥のこととお慶び申し上げます。"
COMPANY = "貴社ますますご清栄のこととお慶び申し上げます。"
ORG: dict[str, Any] = {
    "debtor_type": "organisation",
    "debtor_name": "株式会社山田商事",
    "attention": "経理部",
}


def _text(html: str) -> str:
    return "".join(re.sub(r"<[^>]+>", "", html).split())


def _html(kind: str, **changes: Any) -> str:
    letter = letter_for("ja", kind, **changes)
    if kind == "payment-plan":
        return render_with(letter, extra_context(letter, installments=6))
    return render_html(letter, ROOT / "templates").html


@pytest.mark.parametrize(
    ("kind", "debtor", "opening", "closing"),
    [
        ("reminder", "person", "拝啓" + PERSON, "敬具"),
        ("reminder", "organisation", "拝啓" + COMPANY, "敬具"),
        ("payment-plan", "person", "拝啓" + PERSON, "敬具"),
        ("payment-plan", "organisation", "拝啓" + COMPANY, "敬具"),
        ("demand", "person", "前略2024年4月1日付でご契約", "草々"),
        ("demand", "organisation", "前略2024年4月1日付でご契約", "草々"),
        ("lawyer", "person", "冠省当職は", "不一"),
        ("lawyer", "organisation", "冠省当職は", "不一"),
    ],
)
def test_opening_and_closing_by_kind_and_debtor_type(
    kind: str, debtor: str, opening: str, closing: str
) -> None:
    html = _html(kind, **(ORG if debtor == "organisation" else {}))
    text = _text(html)
    assert opening in text
    # the 結語 closes the letter before 記; no other 頭語 or 結語 is in it
    assert html.index(f'class="keigu">{closing}</div>') < html.index('class="kigo">記</div>')
    for head, end in CLOSINGS.items():
        if end != closing:
            assert end not in text, (kind, end)
        if head != opening[:2]:
            assert head not in text, (kind, head)
    wrong = COMPANY if debtor == "person" else PERSON
    assert wrong not in text
    if kind in ("demand", "lawyer"):
        assert "ご清祥" not in text and "ご清栄" not in text


def test_every_opening_has_its_closing_and_a_greeting_per_debtor_type() -> None:
    assert CLOSINGS == {"拝啓": "敬具", "前略": "草々", "冠省": "不一"}
    assert set(OPENINGS.values()) <= set(CLOSINGS)
    assert set(SEASONAL) == {"person", "organisation"}
    assert greeting("demand", "organisation").opening == "前略　"
    assert greeting("reminder", "organisation").opening == "拝啓　" + COMPANY
    with pytest.raises(RenderError, match="no Japanese opening"):
        greeting("validation-notice", "person")


@pytest.mark.parametrize(("kind", "head", "end"), [("demand", "前略", "草々"), ("lawyer", "冠省", "不一")])
def test_naiyo_text_uses_the_same_pairs(kind: str, head: str, end: str) -> None:
    lines = [line.strip("　") for line in naiyo_text(letter_for("ja", kind, **ORG))]
    assert lines[1].startswith(head + "　")
    assert end in lines and lines.index(end) < lines.index("記")
    assert not any("ご清祥" in line or "ご清栄" in line for line in lines)


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("㈱山田商事", "株式会社山田商事"),
        ("山田商事㈱", "山田商事株式会社"),
        ("(株)山田商事", "株式会社山田商事"),
        ("山田商事（株）", "山田商事株式会社"),
        ("（ 株 ）山田商事", "株式会社山田商事"),
        ("㍿山田商事", "株式会社山田商事"),
        ("㈲佐藤工務店", "有限会社佐藤工務店"),
        ("(有)佐藤工務店", "有限会社佐藤工務店"),
        ("(同)ミナト企画", "合同会社ミナト企画"),
        ("(資)鈴木商店", "合資会社鈴木商店"),
        ("(名)鈴木商店", "合名会社鈴木商店"),
        ("(一社)日本回収協会", "一般社団法人日本回収協会"),
        ("(医)さくら会", "医療法人さくら会"),
        ("(特非)みどりの会", "特定非営利活動法人みどりの会"),
        ("㈹山田太郎", "代表山田太郎"),
        ("山田商事", "山田商事"),
        ("山田(東京)商事", "山田(東京)商事"),  # other brackets are part of the name
    ],
)
def test_abbreviations_are_written_out(raw: str, written: str) -> None:
    assert write_out(raw) == written


def test_every_enclosed_form_maps_to_a_company_type() -> None:
    assert set(ENCLOSED.values()) <= set(COMPANY_TYPES)
    for char in ENCLOSED:
        assert char not in write_out(f"{char}山田")


@pytest.mark.slow
def test_letter_writes_the_name_out_and_the_data_keeps_it(tmp_path: Path) -> None:
    letter: Letter = letter_for(
        "ja", "demand", debtor_type="organisation", debtor_name="㈱山田商事", attention="(株)山田 経理部"
    )
    html = render_html(letter, ROOT / "templates").html
    path = tmp_path / "demand.pdf"
    path.write_bytes(letter_pdf(letter, html).data)
    text = "".join(pdftotext(path).split())
    assert "株式会社山田商事" in text and "株式会社山田経理部様" in text
    assert "㈱" not in text and "(株)" not in text
    data = letter_data(letter, ROOT / "templates")
    assert data["account"].debtor_name == "㈱山田商事"  # the canonical data and manifest keep the raw value
    naiyo = "\n".join(naiyo_text(letter))
    assert "受取人　株式会社山田商事" in naiyo and "㈱" not in naiyo
