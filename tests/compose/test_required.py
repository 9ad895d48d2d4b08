"""The required-elements tables (compose/required/): the marker check, the tables' integrity, and
the common elements present in every language and refused when their data is blank."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from letters.compose.render_html import letter_facts, render_html
from letters.compose.required import (
    ELEMENTS,
    Element,
    LetterFacts,
    applicable,
    missing_elements,
    present_keys,
)
from letters.compose.required.check import check_required
from letters.compose.required.us_states import STATE_NOTICES
from letters.errors import RenderError
from tests.compose.test_render_html import KINDS, html_for, letter_for
from tests.conftest import ROOT

FACTS = LetterFacts(
    jurisdiction="US-CA",
    kind="demand",
    lang="en",
    debtor_type="person",
    sender_kind="company",
    debt_collector=True,
)


def test_marker_text_is_collected_through_nesting_and_void_elements() -> None:
    html = (
        '<div data-required="a"><span>Acme</span><br><img src="x" alt=""> Ltd</div>'
        '<p data-required="b">  </p><div data-required="c"><b data-required="d">x</b></div>'
    )
    assert present_keys(html) == {"a", "c", "d"}  # b is blank: an empty field is not the element


def test_jurisdictions_match_by_prefix_and_kinds_narrow() -> None:
    us = Element("k", "label", "src", ("US",), kinds=frozenset({"demand"}))
    assert us.applies(FACTS)
    assert not us.applies(dataclasses.replace(FACTS, kind="reminder"))
    assert not us.applies(dataclasses.replace(FACTS, jurisdiction="USX"))
    assert not us.applies(dataclasses.replace(FACTS, jurisdiction="JP"))
    only_ca = Element("k", "label", "src", ("US-CA",), when=lambda f: f.debtor_type == "person")
    assert only_ca.applies(FACTS)
    assert not only_ca.applies(dataclasses.replace(FACTS, jurisdiction="US-NY"))
    assert not only_ca.applies(dataclasses.replace(FACTS, debtor_type="organisation"))
    assert Element("k", "l", "s", ("*",)).applies(dataclasses.replace(FACTS, jurisdiction="CN"))


def test_every_rule_has_a_source_and_a_marker_in_the_templates() -> None:
    markers: set[str] = set()
    for template in (ROOT / "templates").rglob("*.html"):
        markers |= set(re.findall(r'data-required="([^"]+)"', template.read_text(encoding="utf-8")))
    if "{{ key }}" in markers:  # en/_en.html prints the US state notices' keys from their table
        markers |= {notice.key for notice in STATE_NOTICES}
    seen: set[tuple[str, tuple[str, ...], frozenset[str]]] = set()
    for element in ELEMENTS:
        assert element.label.strip() and len(element.source.strip()) > 10, element.key
        assert element.key in markers, f"{element.key}: no template marks it"
        ident = (element.key, element.jurisdictions, element.kinds)
        assert ident not in seen, f"{element.key} listed twice"
        seen.add(ident)


@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_common_elements_are_in_every_letter(lang: str, kind: str) -> None:
    letter = letter_for(lang, kind)
    html = html_for(letter)
    facts = letter_facts(letter)
    common = [e.key for e in applicable(facts) if e.jurisdictions == ("*",)]
    assert {"sender.name", "sender.address", "recipient.name", "amount.total"} <= set(common)
    assert missing_elements(html, facts) == ()


@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
def test_a_letterhead_without_an_address_refuses_the_letter(lang: str) -> None:
    letter = letter_for(lang, "demand")
    text = dataclasses.replace(letter.sender.text(lang), address=())
    sender = dataclasses.replace(letter.sender, texts={**letter.sender.texts, lang: text})
    with pytest.raises(
        RenderError, match=r"lacks what it must contain: the sender's postal address \[sender.address\]"
    ):
        render_html(dataclasses.replace(letter, sender=sender), ROOT / "templates")


def test_a_template_that_drops_a_required_element_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    macros = templates / "_macros.html"
    macros.write_text(
        macros.read_text(encoding="utf-8").replace(' data-required="amount.total"', ""), encoding="utf-8"
    )
    with pytest.raises(RenderError, match=r"the amount claimed \[amount.total\] \(Pre-Action Protocol"):
        render_html(letter_for("en", "demand"), templates)


def test_the_refusal_names_letter_jurisdiction_kind_and_source() -> None:
    with pytest.raises(RenderError) as caught:
        check_required("L-1", "<div data-required='sender.name'>Acme</div>", FACTS)
    message = str(caught.value)
    assert message.startswith("letter L-1 (US-CA, demand) lacks what it must contain:")
    assert "the sender's postal address [sender.address] (Where the debtor replies" in message
    assert "[sender.name]" not in message


def test_docs_list_every_rule() -> None:
    page = (ROOT / "docs" / "jurisdictions.md").read_text(encoding="utf-8")
    for element in ELEMENTS:
        assert f"`{element.key}`" in page, f"docs/jurisdictions.md does not list {element.key}"
