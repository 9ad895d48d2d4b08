"""Interest and recorded payments in rendered letters (PDF and DOCX), one per jurisdiction, through
`letters render`; a capped rate refused; no interest settings, no interest line."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tests.batch_helpers import run_cli
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter
from tests.helpers import pdftotext

pytestmark = pytest.mark.slow
AS_OF = "2026-11-23"  # 54 days after the rows' due date, 2026-09-30

POLICY = """
[interest]
claim = "statutory"

[interest.jp_statutory]
"2026-04-01" = "3"
until = "2029-03-31"

[interest.uk_reference]
"2026-07-01" = "3.75"
until = "2026-12-31"
"""

GB_ROW = EN_ROW | {
    "account_id": "GB-0001",
    "debtor_name": "Acme Widgets Ltd",
    "debtor_type": "organisation",
    "gender": "",
    "currency": "GBP",
    "principal": "4,800.00",
    "interest": "0",
    "country": "GB",
    "postal_code": "SW1A 1AA",
    "region": "",
    "city": "London",
    "address_line1": "10 Downing Street",
    "address_line2": "",
}
# A business: the collector's letters to it need no validation notice first.
US_ROW = EN_ROW | {"account_id": "US-0001", "debtor_name": "Bright Co LLC", "debtor_type": "organisation"}


def _rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return [{k: row.get(k, "") for k in keys} for row in rows]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_text(path: Path) -> str:
    # Hyphens inside tokens with digits ("365-day", "US-0001") are w:noBreakHyphen elements, not text.
    body = docx.Document(str(path)).element.body
    return "".join(
        "-" if el.tag == qn("w:noBreakHyphen") else (el.text or "")
        for el in body.iter(qn("w:t"), qn("w:noBreakHyphen"))
    )


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.]", "", text))


def _render(tmp_path: Path, rows: list[dict[str, str]], *extra: str, policy: str = POLICY) -> Path:
    accounts = tmp_path / "accounts.csv"
    import csv

    with accounts.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(policy, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli(
        ["render", str(accounts), "-o", str(out), "--as-of", AS_OF, "--policy", str(policy_file),
         "--silent", "--no-combined", "--format", "pdf,docx", *extra]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_a_letter_per_jurisdiction_states_its_interest(tmp_path: Path) -> None:
    rows = _rows([
        JA_ROW,  # statutory 3% on 120,000 − 20,000 paid: 100,000 × 3% × 54 / 365 = 443.8 → ¥443
        ZH_ROW | {"interest_rate": "18.25"},  # 1,409.50 × 18.25% × 54 / 365 = 38.057 → ¥38.05
        US_ROW | {"interest_rate": "12"},  # 1,250.00 × 12% × 54 / 365 = 22.191 → $22.19 (NY cap 16%)
        GB_ROW,  # 4,800 × (8 + 3.75)% × 54 / 365 = 83.441 → £83.44, fixed sum £70
    ])  # fmt: skip
    out = _render(tmp_path, rows, "--db", f"sqlite:///{tmp_path / 'l.sqlite'}")
    expected = {
        "JA-0001": (["遅延損害金¥443は", "2026年10月1日から2026年11月23日まで54日間の年3%（法定利率",
                     "なお、完済に至るまで、残元金に対し年3%の割合による遅延損害金が日々発生いたします。"],
                    "ご請求金額合計¥100,443", Decimal(120000) + Decimal(443) - Decimal(20000)),
        "ZH-0001": (["逾期利息¥38.05", "自2026年10月1日起至2026年11月23日止共54天，按年利率18.25%（合同约定的利率",
                     "自2026年11月23日次日起至实际清偿之日止，逾期利息仍以未付本金为基数按年利率18.25%继续计算。"],
                    "应付总额¥1,447.55", Decimal("1409.50") + Decimal("38.05")),
        "US-0001": (["Interest of $22.19: 12% a year (the contract rate) on $1,250.00 from October 1, 2026 to "
                     "November 23, 2026, 54 days on a 365-day year.",
                     "Interest continues to accrue at 12% a year until payment."],
                    "Total now due", Decimal("1250.00") + Decimal("22.19")),
        "GB-0001": (["Statutory interest of £83.44 under the Late Payment of Commercial Debts (Interest) Act "
                     "1998: 11.75% a year (8% over the Bank of England reference rate of 3.75%)",
                     "54 days", "The fixed sum of £70.00 is the compensation for recovery costs under section 5A",
                     "Statutory interest continues to accrue at 11.75% a year until payment."],
                    "Total now due", Decimal("4800.00") + Decimal("83.44") + Decimal("70.00")),
    }  # fmt: skip
    for account, (sentences, total_label, total) in expected.items():
        (pdf,) = out.glob(f"*_{account}.pdf")
        (word,) = out.glob(f"*_{account}.docx")
        text, word_text = _flat(pdftotext(pdf)), _flat(_docx_text(word))
        for sentence in sentences:
            assert _flat(sentence) in text, (account, sentence)
            assert _flat(sentence) in word_text, (account, sentence)  # the DOCX says the same
        # The total printed is principal + computed interest (+ fixed sum) − payments.
        assert _flat(total_label) in text
        assert any(f"{total:,}" in t for t in (text, text.replace(".00", ""))), (account, total)
    # The US table prints the amounts in a row: principal, interest, fees, payments, total.
    us = pdftotext(next(out.glob("*_US-0001.pdf")))
    figures = [_money(m) for m in re.findall(r"\$[0-9,]+\.\d\d", us.split("The amount now due is:")[1])[:5]]
    assert figures[:5] == [Decimal("1250.00"), Decimal("22.19"), Decimal("0.00"), Decimal("0.00"),
                           Decimal("1272.19")]  # fmt: skip
    assert figures[0] + figures[1] + figures[2] - figures[3] == figures[4]


def test_no_interest_settings_no_interest_line(tmp_path: Path) -> None:
    out = _render(tmp_path, _rows([JA_ROW]), "--db", f"sqlite:///{tmp_path / 'l.sqlite'}", policy="")
    (pdf,) = out.glob("*.pdf")
    text = _flat(pdftotext(pdf))
    assert "遅延損害金・利息¥1,500" in text  # the file's column, as before
    assert "日々発生" not in text and "日間の年" not in text


def test_a_capped_rate_is_refused_naming_account_and_cap(tmp_path: Path, write_csv: CsvWriter) -> None:
    accounts = write_csv([JA_ROW | {"interest_rate": "15", "contract_type": "consumer"}])
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    plan = run_cli(["plan", str(accounts), "--as-of", AS_OF, "--db", db])
    assert "JA-0001\tja\t-\trefused: account JA-0001: contract rate 15% exceeds the 14.6% cap" in plan.stdout
    done = run_cli(
        ["render", str(accounts), "-o", str(tmp_path / "out"), "--as-of", AS_OF, "--db", db, "--silent"]
    )
    assert done.returncode == 1
    assert "JA-0001" in done.stderr and "14.6% cap of 消費者契約法9条2号" in done.stderr
    assert "refused, not reduced" in done.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_later_letters_subtract_recorded_payments(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.sqlite'}"
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "account_id,date,amount,currency\nJA-0001,2026-10-10,5000,JPY\nJA-0001,2026-11-02,7000,JPY\n",
        encoding="utf-8",
    )
    imported = run_cli(["payments", "import", str(payments), "--db", db, "--as-of", AS_OF])
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("2 payment(s) recorded\n")
    # The same file again records nothing: a payment subtracted twice would understate the debt.
    again = run_cli(["payments", "import", str(payments), "--db", db, "--as-of", AS_OF])
    assert again.stdout.startswith("0 payment(s) recorded (2 already recorded from this file)\n")
    # The file's balance was drawn up on 15 October: the payment of the 10th is already in its
    # payments column (20,000); the one of 2 November is not, and is subtracted.
    rows = _rows([JA_ROW | {"balance_date": "2026-10-15"}])
    plan = run_cli(["plan", str(_write(tmp_path, rows)), "--as-of", AS_OF, "--db", db])
    assert (
        "owed JPY 94,500\t" in plan.stdout
        and "− payments 27,000 (recorded: 7,000 on 2026-11-02)" in plan.stdout
    )
    out = _render(tmp_path, rows, "--db", db, policy="")
    (pdf,) = out.glob("*.pdf")
    (word,) = out.glob("*.docx")
    for text in (_flat(pdftotext(pdf)), _flat(_docx_text(word))):
        assert "ご入金・値引き−¥27,000" in text
        assert "ご入金（上記の入金額に含めています）：2026年11月2日¥7,000" in text
        assert "ご請求金額合計¥94,500" in text  # 120,000 + 1,500 − 20,000 − 7,000
        assert "2026年10月10日" not in text


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    path = tmp_path / "plan.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
