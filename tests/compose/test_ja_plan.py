"""Japanese payment plans: 全6回（毎月7日） counts, and the 確認書's 債務の承認 (民法152条) and
期限の利益喪失 clauses with their amounts, in the PDF."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from letters.compose.ja_plan import plan_terms
from letters.compose.payment_plan import extra_context
from letters.compose.render_html import Letter, render_html
from letters.decide.installments import payment_plan
from letters.errors import RenderError
from tests.conftest import ROOT
from tests.helpers import pdftotext
from tests.render_helpers import letter_for, letter_pdf


def plan_letter(installments: int = 6, **changes: Any) -> Letter:
    letter = letter_for("ja", "payment-plan", **changes)
    return dataclasses.replace(letter, extra_context=extra_context(letter, installments=installments))


@pytest.mark.parametrize(
    ("n", "first", "every", "calendar", "label", "moved"),
    [
        (6, date(2026, 12, 7), "monthly", None, "全6回（毎月7日）", False),
        (3, date(2026, 10, 31), "monthly", None, "全3回（毎月末日）", False),
        (3, date(2026, 11, 30), "monthly", None, "全3回（毎月30日（30日のない月は末日））", False),
        (8, date(2026, 12, 4), "weekly", None, "全8回（毎週金曜日）", False),
        (4, date(2026, 12, 4), "biweekly", None, "全4回（2週間ごとの金曜日）", False),
        # 31 Oct 2026 is a Saturday and 31 Dec a bank holiday in Japan: the day stays the 31st
        (3, date(2026, 10, 31), "monthly", "JP", "全3回（毎月末日）", True),
    ],
)
def test_schedule_is_named_by_count_and_day(
    n: int, first: date, every: str, calendar: str | None, label: str, moved: bool
) -> None:
    plan = payment_plan(Decimal("90000"), "JPY", n, first, every, business_days=calendar)
    terms = plan_terms(plan)
    assert terms.label == label
    assert terms.moved is moved


def test_plan_pdf_has_the_counts_and_both_clauses_with_amounts(tmp_path: Path) -> None:
    letter = plan_letter()
    html = render_html(letter, ROOT / "templates").html
    pdf = letter_pdf(letter, html)
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.data)
    text = "".join(pdftotext(path).split())
    # 102,380 in six: 5 × 17,063 + 17,065, from 7 December 2026 (a Monday) monthly
    for needle in (
        "下記の計画により全6回（毎月7日）に分けてお支払いいただく",
        "計全6回（毎月7日）¥102,380",
        "第1条（債務の承認）私は、貴社に対し、2024年4月1日付契約（契約番号：SK-2024-00123）に基づく債務として、"
        "2026年11月23日現在、¥102,380の支払義務を負っていることを承認します。",
        "第2条（分割払い）私は、前項の金額を全6回（毎月7日）に分割し、2026年12月7日から2027年5月7日まで、"
        "各回¥17,063（最終回は¥17,065）を",
        "第3条（期限の利益の喪失）私が分割金の支払いを2回以上怠り、その額が¥34,126に達したときは、"
        "貴社からの通知又は催告を要せず当然に期限の利益を失い、その時点の残額を直ちに一括して支払います。",
    ):
        assert needle in text, needle
    assert "拝啓時下ますますご清祥" in text and "敬具" in text


def test_a_single_payment_has_no_acceleration_clause() -> None:
    html = render_html(plan_letter(1), ROOT / "templates").html
    assert "債務の承認" in html and "全1回" in html
    assert "期限の利益" not in html


def test_a_confirmation_without_the_acknowledgement_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "ja" / "payment-plan.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(' data-required="jp.plan.acknowledgement"', ""),
        encoding="utf-8",
    )
    with pytest.raises(RenderError, match=r"\[jp.plan.acknowledgement\] \(民法152条1項"):
        render_html(plan_letter(), templates)
    render_html(letter_for("ja", "demand"), templates)  # the rule is for payment plans only


def test_a_company_confirms_as_the_company() -> None:
    html = render_html(
        plan_letter(debtor_type="organisation", debtor_name="(株)港北製作所"), ROOT / "templates"
    ).html
    assert "当社は、貴社に対し" in html and "当社が分割金" in html and "私は" not in html
    assert "会社名・代表者" in html
    assert "株式会社港北製作所 御中" in html  # the addressee written out (compose/ja_names.py)
