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
        make_plan([account], options, policy, notice_sent(account.account_id)), options, policy
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
