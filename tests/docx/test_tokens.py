"""Run text → w:t and w:noBreakHyphen: number tokens and nowrap text never break."""

from __future__ import annotations

import pytest

from letters.docx.tokens import NO_BREAK_SPACE, WORD_JOINER, text_xml, unbreakable
from letters.errors import RenderError


def test_hyphens_inside_number_tokens_do_not_break() -> None:
    xml = text_xml("契約番号：SK-2024-00123、電話 03-5555-0100、e-mail と well-known")
    assert xml.count("<w:noBreakHyphen/>") == 4
    assert ">SK</w:t><w:noBreakHyphen/><w:t" in xml
    assert "e-mail" in xml and "well-known" in xml  # words without a digit keep their hyphen
    assert text_xml("plain") == '<w:t xml:space="preserve">plain</w:t>'


def test_nowrap_text_is_joined_and_its_spaces_do_not_break() -> None:
    assert unbreakable("人民币壹元") == WORD_JOINER.join("人民币壹元")
    assert unbreakable("+ $12.34") == "+" + NO_BREAK_SPACE + WORD_JOINER.join("$12.34")
    assert "<w:noBreakHyphen/>" not in text_xml("A-1", nowrap=True)  # joined already
    assert WORD_JOINER in text_xml("A-1", nowrap=True)


def test_characters_xml_cannot_hold_are_refused() -> None:
    with pytest.raises(RenderError, match=r"U\+0001 cannot be written"):
        text_xml("a\x01b")
