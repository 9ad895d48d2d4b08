"""貸金業者 letters (貸金業法21条2項): the letterhead flag, the items in the rendered PDF, refusal
when one is missing, the 内容証明 form, and the loan columns' validation at intake."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from letters.compose.letterhead import Letterhead, find_letterhead, load_letterhead
from letters.compose.locale import format_money
from letters.compose.naiyo import naiyo_text
from letters.compose.render_html import Letter, letter_facts, render_html
from letters.compose.required import applicable
from letters.compose.required.jp import ELEMENTS, PLAN
from letters.errors import ConfigError, RenderError
from letters.intake.validate import load_accounts, validate_file
from tests.conftest import JA_ROW, ROOT, SAMPLES, CsvWriter
from tests.helpers import pdftotext
from tests.render_helpers import letter_for, letter_pdf

LENDER = find_letterhead("minato-shinpan", ROOT / "letterheads")
LOAN: dict[str, Any] = {"loan_amount": Decimal("500000"), "extra": {"interest_rate": "15.0"}}
KINDS = ("reminder", "demand", "lawyer")


def lender_letter(kind: str, lender: Letterhead = LENDER, **changes: Any) -> Letter:
    """A ja letter sent by (or, for a lawyer's letter, for) the 貸金業者 letterhead."""
    letter = letter_for("ja", kind, **(LOAN | changes))
    if kind == "lawyer":
        return dataclasses.replace(letter, client=lender)
    return dataclasses.replace(letter, sender=lender)


def _text(letter: Letter) -> str:
    return render_html(letter, ROOT / "templates").html


def test_the_letterhead_flag_is_read_and_checked(tmp_path: Path) -> None:
    assert LENDER.moneylender and LENDER.text("ja").contact_name == "中村 由美"
    assert not find_letterhead("sakura-finance", ROOT / "letterheads").moneylender
    folder = tmp_path / "x"
    folder.mkdir()
    for name in ("logo.svg", "seal.png"):
        (folder / name).write_bytes((LENDER.folder / name).read_bytes())
    config = (LENDER.folder / "letterhead.toml").read_text(encoding="utf-8")
    (folder / "letterhead.toml").write_text(
        config.replace("moneylender = true", 'moneylender = "yes"'), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="moneylender must be true or false"):
        load_letterhead(folder)


@pytest.mark.parametrize("kind", KINDS)
def test_the_items_apply_to_lender_letters_only(kind: str) -> None:
    keys = {e.key for e in ELEMENTS if e not in PLAN}
    assert keys <= {e.key for e in applicable(letter_facts(lender_letter(kind)))}
    plain = letter_for("ja", kind)
    assert not keys & {e.key for e in applicable(letter_facts(plain))}
    assert "貸金業法第21条第2項" not in _text(plain)
    # the same sender writing to a debtor abroad (not JP law) needs none of them
    abroad = lender_letter(kind, jurisdiction="CN")
    assert not keys & {e.key for e in applicable(letter_facts(abroad))}


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_item_is_in_the_pdf(kind: str, tmp_path: Path) -> None:
    letter = lender_letter(kind, debtor_type="organisation", debtor_name="㈱港北製作所")
    html = _text(letter)
    pdf = letter_pdf(letter, html)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf.data)
    text = "".join(pdftotext(path).split())
    person = "弁護士高橋誠" if kind == "lawyer" else "中村由美"
    total = "".join(re.findall(r'data-required="amount.total">([^<]+)<', html))
    assert total == format_money(letter.account.total, "JPY", "ja")  # the box and the table agree
    for needle in (
        "貸金業法第21条第2項に基づく記載事項",
        "貸金業者：株式会社みなと信販",
        "登録番号：神奈川県知事(2)第05678号",
        "住所：〒231-0023神奈川県横浜市中区山下町1番地1みなとビル5階",
        "電話番号：045-555-0300",
        person,
        "契約日：2024年4月1日",  # 契約年月日 and 弁済期 are the 記's rows
        "貸付けの金額：¥500,000",
        "貸付けの利率：年15.0%",
        "支払期日2026年9月30日",
        # the letter's own total (with the interest the 15.0 % contract rate adds to the date)
        f"残存債務の額：{format_money(letter.account.total, 'JPY', 'ja')}（内訳は上記のとおり）",
        "株式会社港北製作所",
    ):
        assert needle in text, needle
    if pdf.pages > 1:
        # Run over: the payment box and the block go over together, never the block alone.
        assert pdf.pages == 2
        last = subprocess.run(
            ["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        last = "".join(last.split())
        assert "振込先" in last and "貸金業法第21条第2項" in last


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"loan_amount": None}, "jp.loan.amount"),
        ({"extra": {}}, "jp.loan.rate"),
        ({"extra": {"interest_rate": " "}}, "jp.loan.rate"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_missing_account_data_refuses_the_letter(kind: str, change: dict[str, Any], key: str) -> None:
    with pytest.raises(RenderError, match=rf"lacks what it must contain: .*\[{key}\] \(貸金業法21条2項"):
        _text(lender_letter(kind, **change))


@pytest.mark.parametrize(
    ("field", "key"),
    [("contact_name", "jp.lender.person"), ("registration", "jp.lender.registration")],
)
@pytest.mark.parametrize("kind", ["reminder", "demand"])
def test_missing_letterhead_data_refuses_the_letter(kind: str, field: str, key: str) -> None:
    blank: dict[str, Any] = {field: ""}
    text = dataclasses.replace(LENDER.text("ja"), **blank)
    lender = dataclasses.replace(LENDER, texts={"ja": text})
    with pytest.raises(RenderError, match=rf"\[{key}\]"):
        _text(lender_letter(kind, lender))


def test_a_lender_without_a_phone_is_refused_in_a_lawyers_letter() -> None:
    # the law firm's own telephone in the letterhead is not the lender's (21条2項1号)
    with pytest.raises(RenderError, match=r"telephone number \(電話番号\) \[jp.lender.phone\]"):
        _text(lender_letter("lawyer", dataclasses.replace(LENDER, phone="")))


@pytest.mark.parametrize("kind", ["demand", "lawyer"])
def test_naiyo_lists_the_items_and_refuses_without_them(kind: str) -> None:
    text = "\n".join(naiyo_text(lender_letter(kind)))
    for needle in (
        "貸金業者　株式会社みなと信販",
        "登録番号　神奈川県知事(2)第05678号",
        "貸付けの金額　500,000円",
    ):
        assert needle in text, needle
    assert "貸付けの利率　年15.0%" in text
    account = lender_letter(kind).account  # interest from the contract rate is on the account
    yen = "{:,}円".format
    assert (
        f"残存債務の額　{yen(account.total)}（内訳：元本{yen(account.principal)}、"
        f"利息・遅延損害金{yen(account.interest)}、手数料{yen(account.fees)}、既払金{yen(account.payments)}控除）"
    ) in text
    assert account.interest > 0 and account.payments > 0
    with pytest.raises(RenderError, match=r"内容証明\) lacks what it must contain: .*\[jp.loan.amount\]"):
        naiyo_text(lender_letter(kind, loan_amount=None))


def test_loan_columns_are_validated_naming_row_and_column(write_csv: CsvWriter) -> None:
    path = write_csv(
        [
            JA_ROW | {"loan_amount": "500,000", "interest_rate": "15.0%"},
            JA_ROW | {"account_id": "JA-2", "loan_amount": "12.5", "interest_rate": "abc"},
            JA_ROW | {"account_id": "JA-3", "loan_amount": "0", "interest_rate": "150"},
        ]
    )
    problems = [str(p).replace(str(path), "F") for p in validate_file(str(path)).problems]
    assert problems == [
        "F, row 3, column loan_amount: more decimal places than JPY has (0); amounts are never rounded"
        " (value: '12.5')",
        "F, row 3, column interest_rate: not a rate in percent a year from 0 to 100 (write 15.0 for 15 %)"
        " (value: 'abc')",
        "F, row 4, column loan_amount: must be more than zero (value: '0')",
        "F, row 4, column interest_rate: not a rate in percent a year from 0 to 100 (write 15.0 for 15 %)"
        " (value: '150')",
    ]


def test_the_lender_sample_loads_with_its_loan_terms() -> None:
    accounts = load_accounts(str(SAMPLES / "accounts_ja_lender.csv")).accounts
    assert [a.loan_amount for a in accounts] == [Decimal("500000"), Decimal("3000000")]
    assert [a.extra["interest_rate"] for a in accounts] == ["15.0", "12.5"]
    assert accounts[1].debtor_name == "㈱港北製作所"  # the raw name stays in the data
    assert all(a.loan_amount is None for a in load_accounts(str(SAMPLES / "accounts_ja.csv")).accounts)


@pytest.mark.parametrize(("key", "page"), [("jp.loan.due", "demand.html"), ("jp.loan.date", "demand.html")])
def test_the_dates_the_letter_states_anyway_are_still_checked(key: str, page: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    path = templates / "ja" / page
    path.write_text(path.read_text(encoding="utf-8").replace(f' data-required="{key}"', ""), encoding="utf-8")
    render_html(letter_for("ja", "demand"), templates)  # not a 貸金業者: nothing to check
    with pytest.raises(RenderError, match=rf"\[{key}\] \(貸金業法21条2項"):
        render_html(lender_letter("demand"), templates)


def test_a_full_width_rate_reads_the_same_at_intake_and_in_the_letter(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"loan_amount": "５００，０００", "interest_rate": "１５．０％"}])
    (account,) = load_accounts(str(path)).accounts
    assert account.loan_amount == Decimal("500000")
    html = _text(lender_letter("demand", extra=account.extra))
    assert "年15.0%" in "".join(html.split())
