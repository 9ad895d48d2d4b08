"""zh letters: the amount in capitals, the bank account number and reference numbers never break
across lines in the PDF (compose/nobreak.py marks them ``class="nobreak"``; zh.css keeps them whole)."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

from letters.compose.locale import chinese_capital
from letters.compose.render_html import render_html
from tests.conftest import ROOT
from tests.render_helpers import letter_for, letter_pdf

ACCOUNT_NO = "1001 2345 6789 0123 456"  # the huaxia-credit letterhead's account
# Shifting the text before a token by one character at a time walks it across the line end; a
# step of 5 over one line's width (about 46 characters) lands it at the end several times.
SHIFTS = range(0, 46, 5)


def _lines(html: str, letter: object, tmp_path: Path, name: str) -> list[str]:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(letter_pdf(letter, html).data)  # type: ignore[arg-type]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.splitlines()


def _broken(tmp_path: Path, *, keep: bool) -> tuple[int, int]:
    """How many of the shifted letters show the capital amount / the account number split."""
    letter = letter_for("zh", "demand", principal=Decimal("98765432.19"))
    capital = "人民币" + chinese_capital(letter.account.total)
    assert len(capital) > 20  # a long one: 人民币玖仟捌佰柒拾陆万伍仟捌佰肆拾壹元贰角壹分
    html = render_html(letter, ROOT / "templates").html
    assert f'<span class="capital nobreak">{capital}</span>' in html
    assert f'账号：<span class="nobreak">{ACCOUNT_NO}</span>' in html
    if not keep:  # the control: the same letters without the class do break
        html = html.replace(' class="capital nobreak"', "").replace(' class="nobreak"', "")
    split_capital = split_account = 0
    for shift in SHIFTS:
        shifted = html.replace("将上述欠款合计<span", "将上述欠款合计" + "款" * shift + "<span", 1)
        shifted = shifted.replace("账号：", "款" * shift + "账号：", 1)
        lines = _lines(shifted, letter, tmp_path, f"{'keep' if keep else 'loose'}{shift}")
        split_capital += not any(capital in line for line in lines)
        split_account += not any(ACCOUNT_NO in line for line in lines)
        if not keep and split_capital and split_account:
            break
    return split_capital, split_account


def test_capital_amount_and_account_number_stay_on_one_line_wherever_the_line_ends(tmp_path: Path) -> None:
    assert _broken(tmp_path, keep=True) == (0, 0)
    loose_capital, loose_account = _broken(tmp_path, keep=False)
    assert loose_capital > 0 and loose_account > 0  # the shifts do reach the line end


def test_reference_contract_and_phone_numbers_are_marked_whole() -> None:
    html = render_html(letter_for("zh", "lawyer"), ROOT / "templates").html
    assert (
        '<div class="reference" data-required="cn.lawyer.reference"><span class="nobreak">（2026）沪明理律函字第'
        in html
    )
    assert '合同编号：<span class="nobreak">HX-2025-0456</span>' in html
    assert '<span class="nobreak">021-5555-0266</span>' in html
