"""Templates → HTML: golden files per language and kind, escaping, strict fields, safe names."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.compose.letterhead import find_letterhead
from letters.compose.render_html import Letter, render_html, safe_name
from letters.decide.policy import Policy
from letters.errors import TemplateError
from tests.conftest import ROOT
from tests.helpers import make_account, notice_sent

AS_OF = date(2026, 11, 23)
GOLDEN = Path(__file__).parent.parent / "golden"
KINDS = ("reminder", "demand", "lawyer")


def letter_for(lang: str, kind: str, **changes: object) -> Letter:
    account = make_account(lang, **changes)
    options = Options(as_of=AS_OF, letter_kind=kind)
    policy = Policy()
    letters, failed = build_letters(
        make_plan([account], options, policy, notice_sent(account.account_id) if lang == "en" else None),
        options,
        policy,
    )
    assert failed == []
    return letters[0]


def html_for(letter: Letter, templates: Path = ROOT / "templates") -> str:
    return render_html(letter, templates).html


def _normalise(html: str) -> str:
    # Letterhead asset URLs carry the checkout's absolute path; the golden files must not.
    return html.replace((ROOT / "letterheads").as_uri(), "file://LETTERHEADS")


@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_golden_html(lang: str, kind: str) -> None:
    html = _normalise(html_for(letter_for(lang, kind)))
    golden = GOLDEN / f"{lang}_{kind}.html"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert html == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
def test_letters_carry_the_required_particulars(lang: str) -> None:
    account = make_account(lang)
    for kind in KINDS:
        letter = letter_for(lang, kind)
        html = html_for(letter)
        for needle in (account.contract_number, account.account_id):
            assert needle in html, (kind, needle)
        assert letter.planned.pay_by == AS_OF + timedelta(days=14)


def test_zh_amounts_in_figures_and_capitals() -> None:
    html = html_for(letter_for("zh", "demand"))
    # 16,000.00 + 409.02 = 16,409.02 → 壹万陆仟肆佰零玖元零贰分 (a rules example)
    assert "¥16,409.02" in html
    assert "人民币壹万陆仟肆佰零玖元零贰分" in html


def test_ja_era_dates_when_asked() -> None:
    account = make_account("ja")
    options = Options(as_of=AS_OF, letter_kind="demand", era_dates=True)
    policy = Policy()
    letters, _ = build_letters(make_plan([account], options, policy), options, policy)
    html = html_for(letters[0])
    assert "令和8年11月23日" in html
    assert "2026年11月23日" not in html


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ 7*7 }}",
        '<img src="file:///etc/passwd">',
        "{% include '/etc/passwd' %}",
        "</div><script>x</script>",
    ],
)
def test_hostile_data_is_escaped_text(hostile: str) -> None:
    html = html_for(letter_for("en", "demand", debtor_name=hostile))
    assert "49" not in re.sub(r"\d{3,}", "", html)  # the expression was not evaluated
    assert "<script>" not in html
    assert 'src="file:///etc/passwd"' not in html
    escaped = (
        hostile.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )
    assert escaped in html


def test_missing_field_fails_the_letter_naming_it(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    _copy_templates(templates)
    page = templates / "en" / "demand.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "{% block body %}", "{% block body %}{{ account.extra.branch_code }}", 1
        ),
        encoding="utf-8",
    )
    letter = letter_for("en", "demand")
    with pytest.raises(TemplateError) as info:
        html_for(letter, templates)
    assert str(info.value) == (
        f"letter {letter.id}: the template needs the field 'branch_code', which this letter's data does not have"
    )


def _copy_templates(target: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "templates", target)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../x", "x"),
        ("．．／x", "x"),
        ("..\\..\\windows", "windows"),
        ("CON", "_CON"),
        ("nul.txt", "nul_txt"),
        ("NUL", "_NUL"),
        ("山田/太郎", "山田_太郎"),
        ("", "x"),
        ("a" * 300, "a" * 80),
    ],
)
def test_safe_name(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_letterheads_all_load() -> None:
    root = ROOT / "letterheads"
    names = sorted(p.name for p in root.iterdir() if (p / "letterhead.toml").is_file())
    assert len(names) >= 2
    kinds = {find_letterhead(name, root).kind for name in names}
    assert kinds == {"company", "law_firm"}


HISTORY = [("reminder", date(2026, 10, 1)), ("demand", date(2026, 10, 31))]


def letter_with_history(lang: str, kind: str, sent: list[tuple[str, date]]) -> Letter:
    """A letter planned from a ledger holding ``sent`` for the account (a US consumer's validation
    notice of 5 January 2026 always first: a debt collector's first letter must be the notice)."""
    from letters.decide.plan import plan_letters

    account = make_account(lang)
    if lang == "en":
        sent = [("validation-notice", date(2026, 1, 5)), *sent]
    options = Options(as_of=AS_OF, letter_kind=kind)
    first = frozenset({account.account_id}) if lang == "en" else frozenset()
    plan = plan_letters(
        [account],
        Policy(),
        AS_OF,
        force_kind=kind,
        history={account.account_id: sent},
        us_first_contact=first,
    )
    letters, failed = build_letters(plan, options, Policy())
    assert failed == []
    return letters[0]


@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
@pytest.mark.parametrize("kind", ["demand", "lawyer"])
def test_golden_html_with_history(lang: str, kind: str) -> None:
    """Earlier letters from the ledger are named with their dates and kinds (golden HTML)."""
    html = _normalise(html_for(letter_with_history(lang, kind, HISTORY)))
    golden = GOLDEN / f"{lang}_{kind}_history.html"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert html == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "kind", "with_history", "without"),
    [
        ("ja", "demand", "これまでにも2026年10月1日付督促状、同年10月31日付催告書によりお支払いをお願いしてまいりましたが",
         "つきましては、本書面をもって催告いたしますので、"),
        ("ja", "lawyer", "通知人はこれまで再三にわたり、2026年10月1日付督促状、同年10月31日付催告書によりお支払いを求めてまいりましたが", None),
        ("zh", "demand", "我司曾多次催告，先后向您发出2026年10月1日催款通知书、2026年10月31日催告函，但您至今仍未付款。", None),
        ("zh", "lawyer", "委托人曾多次催告，先后向贵方发出2026年10月1日催款通知书、2026年10月31日催告函", None),
        ("en", "demand", "We have written to you before about this debt: a validation notice dated January 5, 2026, "
         "a payment reminder dated October 1, 2026 and a formal demand dated October 31, 2026.", None),
        ("en", "lawyer", "Our client has written to you before about this debt: a validation notice dated "
         "January 5, 2026, a payment reminder dated October 1, 2026 and a formal demand dated October 31, 2026.", None),
    ],
)  # fmt: skip
def test_history_wording_only_with_history(
    lang: str, kind: str, with_history: str, without: str | None
) -> None:
    def text(sent: list[tuple[str, date]]) -> str:
        return " ".join(re.sub(r"<[^>]+>", "", html_for(letter_with_history(lang, kind, sent))).split())

    assert with_history in text(HISTORY)
    first = text([])
    for phrase in ("これまで", "再三", "曾多次", "written to you before", "付督促状", "催款通知书"):
        assert phrase not in first or (lang == "en" and phrase == "written to you before")
    if without is not None:
        assert without in first
    if lang == "ja" and kind == "lawyer":  # one earlier letter: named, but not 再三 (repeatedly)
        once = text([("demand", date(2026, 10, 31))])
        assert "通知人はこれまで、2026年10月31日付催告書によりお支払いを求めてまいりましたが" in once
        assert "再三" not in once
