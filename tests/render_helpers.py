"""Test helpers for letter kinds the pipeline does not wire up yet: build a Letter, render it with the
kind's extra context, write it as PDF."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from letters.batch.compose_step import build_letters, letter_fields, make_plan
from letters.batch.options import Options
from letters.compose.render_html import Letter, envelope_for, letter_context
from letters.compose.templates import load_template
from letters.decide.policy import Policy
from letters.pdf.writer import PdfResult, PdfWriter
from tests.conftest import ROOT
from tests.helpers import make_account, notice_sent

AS_OF = date(2026, 11, 23)
TEMPLATES = ROOT / "templates"


def letter_for(
    lang: str, kind: str, *, as_of: date = AS_OF, era: bool | None = None, **changes: object
) -> Letter:
    """A Letter of any kind for the standard test account of a language, with fields replaced."""
    account = make_account(lang, **changes)
    options = Options(as_of=as_of, letter_kind=kind, era_dates=era)
    policy = Policy()
    letters, failed = build_letters(
        make_plan([account], options, policy, notice_sent(account.account_id) if lang == "en" else None),
        options,
        policy,
    )
    assert failed == []
    return letters[0]


def render_with(letter: Letter, extra: dict[str, Any]) -> str:
    """The letter's HTML from templates/<lang>/<kind>.html with ``extra`` merged into the context."""
    template = load_template(TEMPLATES, letter.planned.lang, letter.planned.kind)
    return template.render(letter_context(letter) | extra)


@cache
def writer() -> PdfWriter:
    return PdfWriter(TEMPLATES, ROOT / "letterheads")


def letter_pdf(letter: Letter, html: str) -> PdfResult:
    """The letter's HTML as PDF with the letter stylesheets; WeasyPrint warnings fail it."""
    lang = letter.planned.lang
    return writer().write(
        html,
        lang=lang,
        envelope=envelope_for(letter.sender.paper, lang),
        letter_id=letter.id,
        fields=letter_fields(letter.account),
    )
