"""Mailing lists and QR codes on rendered letters: totals, order, CSV, decoded QR = recorded payload."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.carriers.numbers import TrackingNumber, make_jp, make_s10, make_usps
from letters.carriers.rates import DEFAULT_RATES, RateStep, RateTable
from letters.compose.render_html import Letter
from letters.decide.policy import Policy
from letters.errors import ConfigError
from letters.intake.accounts import Address
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
        replace(lt, tracking_number=make_s10("RR", 100 + i, "CN").display, mail_service="cn-guahao")
        for i, lt in enumerate(letters)
    ]


CNY = RateTable("CNY", (RateStep(20, Decimal("1.20"), Decimal("3.00")),))


def test_carrier_and_fee_follow_the_sender_and_service_not_the_number() -> None:
    """A UK sender's letter goes on Royal Mail's list in GBP whatever its number says; 簡易書留 is charged
    the 簡易書留 fee, 一般書留 the 一般書留 fee, each on its own list."""
    uk = Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street", "")
    accounts = [make_account("en", account_id="UK-1", address=uk, currency="GBP")] + [
        make_account("ja", account_id=f"JA-{i}") for i in range(2)
    ]
    options = Options(as_of=AS_OF, letter_kind="demand")
    built, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    uk_letter, kani, ippan = built
    mailed = [
        replace(uk_letter, tracking_number=make_s10("TT", 1, "GB").display, mail_service="uk-signed-for"),
        replace(kani, tracking_number=make_jp(12345678901).display, mail_service="jp-kani-kakitome"),
        replace(ippan, tracking_number=make_jp(12345678902).display, mail_service="jp-ippan-kakitome"),
    ]
    lists = {m.service.key: m for m in build_mailing_lists(mailed, AS_OF, pages={kani.id: 2})}
    assert set(lists) == {"uk-signed-for", "jp-kani-kakitome", "jp-ippan-kakitome"}
    assert (lists["uk-signed-for"].carrier, lists["uk-signed-for"].currency) == ("royal-mail", "GBP")
    assert lists["uk-signed-for"].total == Decimal("3.00")  # 1.70 + Signed For 1.30
    (item,) = lists["jp-kani-kakitome"].items
    assert (item.weight_g, item.postage, item.fee) == (15, Decimal("110"), Decimal("350"))
    assert lists["jp-ippan-kakitome"].items[0].fee == Decimal("480")
    with pytest.raises(ConfigError, match="no mail service"):
        build_mailing_lists([replace(kani, tracking_number=make_jp(12345678901).display)], AS_OF)


def test_weight_above_the_rate_table_is_refused_naming_the_letter() -> None:
    (letter,) = mailed_letters("zh", 1)
    with pytest.raises(ConfigError) as info:
        build_mailing_lists([letter], AS_OF, {"cn-guahao": CNY}, pages={letter.id: 4})
    assert str(info.value) == (
        f"letter {letter.id}: 25 g is above the heaviest cn-guahao step in the rate table; "
        "add a step to [rates.cn-guahao]"
    )


def test_totals_and_order_and_csv() -> None:
    letters = mailed_letters("zh", 3)
    (listing,) = build_mailing_lists(list(reversed(letters)), AS_OF, {"cn-guahao": CNY})
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
    # A Chinese address starts with its 邮编 line; a foreign one (read in the destination's order)
    # starts with the street, which the file controls.
    hostile_address = Address("GB", "SW1A 1AA", "", "London", "", "=1+2 High Street", "")
    accounts[0] = replace(accounts[0], address=hostile_address)
    options = Options(as_of=AS_OF, letter_kind="reminder")
    built, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    letters = [
        replace(lt, tracking_number=make_s10("RR", 100 + i, "CN").display, mail_service="cn-guahao")
        for i, lt in enumerate(built)
    ]
    (listing,) = build_mailing_lists(letters, AS_OF, {"cn-guahao": CNY})
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
    for table in DEFAULT_RATES.values():
        for step in table.steps:
            assert isinstance(step.postage, Decimal) and isinstance(step.fee, Decimal)


@pytest.mark.slow
def test_batch_with_tracking_writes_lists_and_decodable_qr(tmp_path: Path) -> None:
    # the en debtor is a business: a US consumer's first letter would have to be the validation notice
    business = make_account("en", debtor_type="organisation", debtor_name="Doe Trading LLC", gender="")
    accounts = [make_account("ja", account_id=f"JA-{i}") for i in range(2)] + [business]
    pool = tmp_path / "labels.txt"
    usps = make_usps("940010000000000077700")
    pool.write_text(f"{usps.display}\n{make_jp(77700000000).display}\n{make_jp(77700000001).display}\n")
    options = Options(
        outdir=tmp_path / "out",
        as_of=AS_OF,
        letter_kind="demand",
        tracking=TrackingSetup("pool", pool=pool),
        db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
    )
    result = run_batch(accounts, options)
    assert result.failed == []
    names = sorted(p.name for p in result.mailing_lists)
    # The carrier follows the sender (sakura-finance in JP, hudson-recovery in the US), not the numbers;
    # lists are named by service and batch (20261123-<digest>: two batches of a day never share one).
    assert result.batch is not None
    batch = result.batch.batch_id
    assert batch.startswith("20261123-")
    jp = f"mailing_japan-post_jp-kani-kakitome_sakura-finance_{batch}"
    us = f"mailing_usps_us-certified_hudson-recovery_{batch}"
    assert names == [f"{jp}.csv", f"{jp}.pdf", f"{us}.csv", f"{us}.pdf"]
    folder = options.outdir
    text = " ".join(pdftotext(folder / f"{jp}.pdf").split())
    assert "書留・特定記録郵便物等差出票（簡易書留）" in text and "簡易書留料金" in text
    assert make_jp(77700000000).display in text
    assert "合計 2通 ¥220 ¥700 ¥920" in text  # 2 × (110 + 簡易書留 350), not the 一般書留 fee
    usps_text = " ".join(pdftotext(folder / f"{us}.pdf").split())
    assert "Type of Mail: Certified Mail" in usps_text and "Registered" not in usps_text
    assert "Total Number of Pieces Listed by Sender: 1 $0.78 $5.30 $6.08" in usps_text
    labels = {item.letter.sender.id: item.letter.tracking_label for item in result.written}
    assert labels == {"sakura-finance": "簡易書留 引受番号", "hudson-recovery": "Certified Mail No."}
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


def _forty(service: str) -> list[Letter]:
    uk = Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street, Flat 123", "Westminster")
    numbers: dict[str, Callable[[int], TrackingNumber]] = {
        "jp-kani-kakitome": lambda i: make_jp(55500000000 + i),
        "cn-guahao": lambda i: make_s10("RR", 500 + i, "CN"),
        "us-certified": lambda i: make_usps(f"9400100000000000{i:05d}"),
        "uk-signed-for": lambda i: make_s10("TT", 500 + i, "GB"),
    }
    number = numbers[service]
    lang = {"jp-kani-kakitome": "ja", "cn-guahao": "zh"}.get(service, "en")
    accounts = [make_account(lang, account_id=f"{lang}-{i:02d}") for i in range(40)]
    if lang == "en":  # businesses: a US consumer's first letter from a collector is the validation notice
        accounts = [
            replace(a, debtor_type="organisation", debtor_name=f"Doe Trading {n} LLC", gender="")
            for n, a in enumerate(accounts)
        ]
    if service == "uk-signed-for":
        accounts = [replace(a, address=uk, currency="GBP") for a in accounts]
    options = Options(as_of=AS_OF, letter_kind="demand")
    built, _ = build_letters(make_plan(accounts, options, Policy()), options, Policy())
    return [
        replace(lt, tracking_number=number(i).display, mail_service=service) for i, lt in enumerate(built)
    ]


# Per carrier: the header row's first cells, the page subtotal, the grand total, the closing blocks.
FORMS = {
    "jp-kani-kakitome": (
        "お問い合わせ番号",
        r"小計（この頁）(\d+)通",
        "合計 40通",
        ("引受郵便局 取扱者印", "差出人 確認印"),
    ),
    "cn-guahao": ("邮件号码", r"本页小计 (\d+)件", "合计 40件", ("收寄人员签名", "交寄人签名")),
    "us-certified": (
        "Article Number",
        r"Pieces listed on this page: (\d+)",
        "Listed by Sender: 40",
        ("Postmaster, Per",),
    ),
    "uk-signed-for": (
        "Item reference",
        r"This page: (\d+) items",
        "Total: 40 items",
        ("Sender's signature",),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("service", list(FORMS))
def test_forty_items_paginate_like_a_form(service: str, tmp_path: Path) -> None:
    import re

    from letters.batch.options import project_root
    from letters.pdf.writer import PdfWriter
    from letters.post.mailing import write_mailing_lists

    header, subtotal, grand, closing = FORMS[service]
    (listing,) = build_mailing_lists(_forty(service), AS_OF)
    root = project_root()
    paths = write_mailing_lists(
        [listing], tmp_path, root / "templates", PdfWriter(root / "templates", root / "letterheads")
    )
    pdf = next(p for p in paths if p.suffix == ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Pages:\s+(\d+)", info)
    assert found is not None
    pages = int(found.group(1))
    assert pages >= 3
    counted = 0
    for page in range(1, pages + 1):
        text = " ".join(
            subprocess.run(
                ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
        )
        rows = [item for item in listing.items if item.tracking_number in text]
        assert rows, f"page {page} has no rows"
        assert header in text, f"page {page} has no header row"
        (count,) = re.findall(subtotal, text)
        assert int(count) == len(rows)  # the subtotal counts this page's rows, no more
        page_sum = sum((item.total for item in rows), Decimal(0))
        assert f"{page_sum:,}".rstrip("0").rstrip(".") in text.replace("¥", "").replace("$", "").replace(
            "£", ""
        )
        last = page == pages
        assert (grand in text) is last, f"page {page}: grand total only on the last page"
        for block in closing:
            assert (block in text) is last, f"page {page}: {block} only on the last page, with the last rows"
        counted += len(rows)
    assert counted == 40
