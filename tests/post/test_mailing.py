"""Mailing lists and QR codes on rendered letters: totals, order, CSV, decoded QR = recorded payload."""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.carriers.numbers import make_jp, make_s10, make_usps
from letters.carriers.postage import Postage
from letters.carriers.table import DEFAULT_POSTAGE, carrier_for
from letters.compose.render_html import Letter
from letters.decide.policy import Policy
from letters.post.mailing import build_mailing_lists, mailing_csv
from letters.post.tracking import TrackingSetup
from letters.spreadsheet import safe_cell
from tests.helpers import make_account, pdftotext

AS_OF = date(2026, 11, 23)


def mailed_letters(lang: str, count: int) -> list[Letter]:
    accounts = [make_account(lang, account_id=f"{lang.upper()}-{i}") for i in range(count)]
    options = Options(as_of=AS_OF, letter_kind="reminder")
    letters, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    return [
        replace(lt, tracking_number=make_s10("RR", 100 + i, "CN").display) for i, lt in enumerate(letters)
    ]


def test_carrier_from_number() -> None:
    assert carrier_for(make_jp(12345678901).number) == "japan-post"
    assert carrier_for(make_s10("RR", 5, "JP").number) == "japan-post"
    assert carrier_for(make_s10("EE", 5, "CN").number) == "china-post"
    assert carrier_for(make_usps("940010000000000000000").number) == "usps"


def test_totals_and_order_and_csv() -> None:
    letters = mailed_letters("zh", 3)
    rate = Postage("CNY", Decimal("1.20"), Decimal("3.00"))
    (listing,) = build_mailing_lists(list(reversed(letters)), AS_OF, {"china-post": rate})
    assert [item.sequence for item in listing.items] == [1, 2, 3]  # print order, whatever the input order
    assert listing.postage_total == Decimal("3.60")
    assert listing.fee_total == Decimal("9.00")
    assert listing.total == Decimal("12.60")
    rows = list(csv.reader(io.StringIO(mailing_csv(listing).decode("utf-8-sig"))))
    assert rows[0][:3] == ["sequence", "tracking_number", "addressee"]
    assert rows[1][1] == letters[0].tracking_number
    assert rows[1][2] == "张伟先生"
    assert rows[-1] == ["total", "3", "", "", "3.60", "9.00", "12.60", "CNY", ""]


def test_csv_cells_that_would_run_as_formulas_are_text() -> None:
    hostile = ['=HYPERLINK("http://x")', "@SUM(1)", "+1+1", "-2+3", "\t=1"]
    accounts = [
        make_account("zh", account_id=f"ZH-{i}", debtor_name=name, debtor_type="organisation")
        for i, name in enumerate(hostile)
    ]
    accounts[0] = replace(accounts[0], address=replace(accounts[0].address, region="=1+2", city="=1+2"))
    options = Options(as_of=AS_OF, letter_kind="reminder")
    built, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    letters = [
        replace(lt, tracking_number=make_s10("RR", 100 + i, "CN").display) for i, lt in enumerate(built)
    ]
    rate = Postage("CNY", Decimal("1.20"), Decimal("3.00"))
    (listing,) = build_mailing_lists(letters, AS_OF, {"china-post": rate})
    assert [item.addressee for item in listing.items] == hostile  # organisations: the name as given
    assert listing.items[0].address[0].startswith("=1+2")
    rows = list(csv.reader(io.StringIO(mailing_csv(listing).decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:-1]] == ["'" + name for name in hostile]
    assert rows[1][3].startswith("'=1+2")
    # Numbers are untouched: they are written from Decimals, and a number is not a formula.
    assert rows[1][4:7] == ["1.20", "3.00", "4.20"]
    assert rows[-1] == ["total", "5", "", "", "6.00", "15.00", "21.00", "CNY", ""]


def test_only_text_is_prefixed_numbers_keep_their_sign() -> None:
    assert safe_cell("-5") == "'-5"  # text: could be -5+cmd|' /C calc'!A0
    assert safe_cell(Decimal("-5")) == Decimal("-5")
    assert safe_cell(-5) == -5
    assert safe_cell("株式会社=商事") == "株式会社=商事"  # only the first character can start a formula
    assert safe_cell("\r=1") == "'\r=1"


def test_default_rates_are_exact_decimals() -> None:
    for rate in DEFAULT_POSTAGE.values():
        assert isinstance(rate.postage, Decimal) and isinstance(rate.fee, Decimal)


@pytest.mark.slow
def test_batch_with_tracking_writes_lists_and_decodable_qr(tmp_path: Path) -> None:
    # the en debtor is a business: a US consumer's first letter would have to be the validation notice
    business = make_account("en", debtor_type="organisation", debtor_name="Doe Trading LLC", gender="")
    accounts = [make_account("ja", account_id=f"JA-{i}") for i in range(2)] + [business]
    options = Options(
        outdir=tmp_path / "out",
        as_of=AS_OF,
        letter_kind="demand",
        tracking=TrackingSetup("range", range_prefix="RR", range_start=777000, range_country="JP"),
        db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
    )
    result = run_batch(accounts, options)
    assert result.failed == []
    names = sorted(p.name for p in result.mailing_lists)
    assert names == [
        "mailing_japan-post_hudson-recovery_20261123.csv",
        "mailing_japan-post_hudson-recovery_20261123.pdf",
        "mailing_japan-post_sakura-finance_20261123.csv",
        "mailing_japan-post_sakura-finance_20261123.pdf",
    ]
    listing = next(
        p for p in result.mailing_lists if p.name == "mailing_japan-post_sakura-finance_20261123.pdf"
    )
    text = " ".join(pdftotext(listing).split())
    assert "書留・特定記録郵便物等差出票" in text
    assert make_s10("RR", 777000, "JP").display in text
    assert "¥1,180" in text  # 2 × (110 + 480)
    for item in result.written:
        letter_text = " ".join(pdftotext(item.path).split())
        assert item.letter.tracking_number in letter_text
        png = tmp_path / f"{item.letter.id}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", str(item.path), str(png)],
            check=True,
        )
        decoded = subprocess.run(
            ["zbarimg", "-q", "--raw", str(png) + ".png"], capture_output=True, text=True
        )
        assert decoded.stdout.strip() == item.qr_payload
        assert item.qr_payload == f"LETTERS:1:{item.letter.id}:{item.data_sha256}"
