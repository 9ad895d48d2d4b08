"""Turn a planned letter, its sender's letterhead and the language's template into HTML."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from letters.compose.addressing import address_lines, recipient_lines, salutation
from letters.compose.amounts_view import amounts_view
from letters.compose.attorney_review import DISCLAIMER as REVIEW_DISCLAIMER
from letters.compose.attorney_review import applies as review_applies
from letters.compose.history import EarlierLetter, earlier_letters
from letters.compose.ja_greeting import greeting
from letters.compose.letterhead import Letterhead
from letters.compose.locale import chinese_capital, format_date, format_money
from letters.compose.moneylender import lender_rows
from letters.compose.nobreak import nobreak, nobreak_numbers
from letters.compose.pre_action import pre_action_context, protocol_applies
from letters.compose.required.check import check_required
from letters.compose.required.element import LetterFacts
from letters.compose.required.us_states import notice_texts, past_reporting
from letters.compose.templates import TemplateIdentity, load_template, template_identity
from letters.decide.limitation import jurisdiction_of
from letters.decide.plan import PlannedLetter
from letters.errors import LettersError, RenderError, TemplateError
from letters.intake.accounts import Account


@dataclass(frozen=True)
class SenderView:
    """What a template may say about the sender (company or law firm), in the letter's language."""

    id: str
    kind: str
    name: str
    address: tuple[str, ...]
    phone: str
    fax: str
    email: str
    website: str
    registration: str
    signatory: str
    department: str
    contact: str
    logo: str  # file:// URL inside the letterhead folder (the URL fetcher allows only those)
    seal: str
    seal_kind: str
    signature: str  # file:// URL of the signing lawyer's signature image, or empty
    licence: str  # the signing lawyer's practising certificate number, or empty
    country: str
    bank: str  # payment instructions for the account's currency
    hours: str = ""  # when ``phone`` is answered (the US validation notice's contact sentence)


@dataclass(frozen=True)
class LetterView:
    """The letter's own particulars: identity, dates, references, registered-mail slot."""

    id: str
    kind: str
    lang: str
    date: dt.date
    pay_by: dt.date
    reference: str
    days_past_due: int
    tracking_number: str  # filled by the registered-mail stage; empty when not sent registered
    tracking_label: str
    qr: str  # data: URL of the verification QR code, or empty
    validation_end: dt.date | None = None  # US: the validation period the letter opens or falls in
    # The letters the ledger holds for the account, oldest first: wording such as 再三にわたり or
    # "we have written to you before" appears only when there are some (compose/history.py).
    earlier: tuple[EarlierLetter, ...] = ()
    # US: past the limitation period (decide/plan.py): the letter threatens no suit (12 CFR 1006.26(b)).
    time_barred: bool = False


@dataclass(frozen=True)
class Letter:
    """A letter ready to render: the plan's decision plus everything needed to write it."""

    id: str
    sequence: int  # 1-based position in the batch (and in the combined print PDF)
    planned: PlannedLetter
    sender: Letterhead
    client: Letterhead | None  # for a lawyer's letter: the company that instructed the firm
    reference: str
    era_dates: bool = False
    tracking_number: str = ""
    tracking_label: str = ""
    mail_service: str = ""  # key in carriers/services.py SERVICES, set with the tracking number
    qr: str = ""
    # Kind-specific values (validation notice figures, payment-plan schedule) for the template;
    # part of the letter's canonical data, so its hash and QR code cover them.
    extra_context: Mapping[str, Any] = field(default_factory=dict)
    naiyo: tuple[int, int] | None = None  # 内容証明 grid (chars × lines), or None
    # US attorney letters: the attorney who reviewed the account (--reviewed-by); empty: the letter
    # says no attorney has (compose/attorney_review.py).
    reviewed_by: str = ""

    @property
    def account(self) -> Account:
        return self.planned.account


@dataclass(frozen=True)
class RenderedHtml:
    letter: Letter
    html: str
    template: TemplateIdentity


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file-name-safe form of untrusted text: never a path, never a reserved device name.

    NFKC first, so full-width tricks such as ．．／x become ../x and are then neutralised.
    """
    folded = unicodedata.normalize("NFKC", text)
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in folded)
    cleaned = re.sub(r"_+", "_", cleaned).strip("_.-")
    if not cleaned:
        cleaned = "x"
    if cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned[:limit]


_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)


def _filters(lang: str, currency: str, era: bool, region: str | None) -> dict[str, Any]:
    def money(amount: Decimal, cur: str | None = None) -> str:
        return format_money(amount, cur or currency, lang, region=region)

    def yen(amount: Decimal) -> str:
        return format_money(amount, "JPY", "ja", style="yen")

    def day(value: dt.date, *, era_override: bool | None = None) -> str:
        use_era = era if era_override is None else era_override
        return format_date(value, lang, era=use_era and lang == "ja", region=region)

    def iso(value: dt.date) -> str:
        return value.isoformat()

    return {
        "money": money,
        "yen": yen,
        "date": day,
        "capital": chinese_capital,
        "iso": iso,
        "nobreak": nobreak,
        "nobreak_numbers": nobreak_numbers,
    }


def sender_view(letterhead: Letterhead, lang: str, currency: str) -> SenderView:
    text = letterhead.text(lang)
    return SenderView(
        id=letterhead.id,
        kind=letterhead.kind,
        name=text.name,
        address=text.address,
        phone=letterhead.phone,
        fax=letterhead.fax,
        email=letterhead.email,
        website=letterhead.website,
        registration=text.registration,
        signatory=text.signatory,
        department=text.department,
        contact=text.contact,
        logo=letterhead.logo.as_uri(),
        seal=letterhead.seal.as_uri(),
        seal_kind=letterhead.seal_kind,
        signature=letterhead.signature.as_uri() if letterhead.signature else "",
        licence=text.licence,
        country=letterhead.country,
        # A law firm need not list an account: the debtor pays the creditor (payee_bank).
        bank=letterhead.bank.get(currency, {}).get(lang, ""),
        hours=text.hours,
    )


def letter_context(letter: Letter) -> dict[str, Any]:
    """Everything a template sees; account data goes in as values only, never as template source."""
    planned = letter.planned
    account = planned.account
    lang = planned.lang
    # English letters follow British conventions for UK addresses and American ones elsewhere.
    region = ("GB" if account.address.country == "GB" else "US") if lang == "en" else None
    # The bank details a debtor pays to belong to the creditor, also in a lawyer's letter.
    payee = letter.client or letter.sender
    sender = sender_view(letter.sender, lang, account.currency)
    client = None
    if letter.client is not None:
        client = sender_view(letter.client, lang, account.currency)
    context: dict[str, Any] = {
        "lang": lang,
        "kind": planned.kind,
        "account": account,
        "letter": LetterView(
            id=letter.id,
            kind=planned.kind,
            lang=lang,
            date=planned.letter_date,
            pay_by=planned.pay_by,
            reference=letter.reference,
            days_past_due=planned.days_past_due,
            tracking_number=letter.tracking_number,
            tracking_label=letter.tracking_label,
            qr=letter.qr,
            validation_end=planned.validation_end,
            earlier=earlier_letters(planned.earlier, lang),
            time_barred=planned.time_barred,
        ),
        "sender": sender,
        "client": client,
        "payee_bank": payee.bank_details(account.currency, lang),
        "recipient": recipient_lines(account, lang),
        "address": address_lines(account.address, lang, letter.sender.country),
        "salutation": salutation(account, lang),
        # ja: 頭語, 時候の挨拶 and 結語 by kind and debtor type (compose/ja_greeting.py).
        "greeting": greeting(planned.kind, account.debtor_type) if lang == "ja" else None,
        "paper": letter.sender.paper,
        "envelope": envelope_for(letter.sender.paper, lang),
        # The holds a draft was written despite (preview --override-hold): printed as a banner.
        "held_draft": "",
        "amounts": amounts_view(planned),
        "attorney_review": {
            "applies": review_applies(planned),
            "reviewed_by": letter.reviewed_by,
            "disclaimer": REVIEW_DISCLAIMER,
        },
    }
    context["pre_action"] = pre_action_context(account, context["amounts"])
    filters = _filters(lang, account.currency, letter.era_dates, region)
    context.update(filters)
    # 貸金業法21条2項 items when the sender (or a lawyer's client) is a 貸金業者; {} otherwise.
    context["lender"] = lender_rows(account, letter.sender, letter.client, filters["money"])
    context.update(letter.extra_context)
    context["state_notices"] = _state_notices(letter, context)
    return context


def _state_notices(letter: Letter, context: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The US state notices the letter carries (compose/required/us_states.py), as (key, text)."""
    facts = letter_facts(letter)
    account = letter.account
    notice = context.get("notice")
    itemized = getattr(notice, "itemization_date", None)
    payee = letter.client or letter.sender
    values = {
        # The debt's owner: who would sue on it, named in California's time-barred notice.
        "owner": account.extra.get("current_creditor") or account.creditor or payee.text(facts.lang).name,
        "itemization_date": context["date"](itemized) if isinstance(itemized, dt.date) else "",
        "language_access": letter.sender.text(facts.lang).language_access if facts.lang == "en" else "",
    }
    return notice_texts(facts, values, letter.id)


def envelope_for(paper: str, lang: str) -> str:
    """Which window-envelope layout a letter uses (see docs/layout.md)."""
    if paper == "Letter":
        return "us10"
    return "naga3" if lang == "ja" else "dl"


def letter_facts(letter: Letter, *, time_barred: bool | None = None) -> LetterFacts:
    """What decides which required elements (compose/required/) the letter must carry."""
    account = letter.account
    planned = letter.planned
    return LetterFacts(
        jurisdiction=jurisdiction_of(account),
        kind=letter.planned.kind,
        lang=letter.planned.lang,
        debtor_type=account.debtor_type,
        sender_kind=letter.sender.kind,
        debt_collector=letter.sender.debt_collector,
        # A lawyer collecting for a 貸金業者 is bound by 貸金業法21条2項 as the one entrusted.
        moneylender=letter.sender.moneylender or (letter.client is not None and letter.client.moneylender),
        time_barred=planned.time_barred if time_barred is None else time_barred,
        first_letter=not planned.earlier or planned.kind == "validation-notice",
        past_reporting=past_reporting(account.due_date, planned.letter_date),
        nyc_licensed=letter.sender.nyc_licensed,
        pre_action_protocol=protocol_applies(account),
    )


def render_html(letter: Letter, templates_root: Path) -> RenderedHtml:
    """Render one letter's HTML; a field the template needs but the data lacks fails this letter."""
    planned = letter.planned
    template = load_template(templates_root, planned.lang, planned.kind)
    try:
        html = template.render(letter_context(letter))
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"letter {letter.id}: {exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"letter {letter.id}: template {template.name}: {exc}") from None
    except LettersError:
        raise
    except (ValueError, ArithmeticError) as exc:
        raise RenderError(f"letter {letter.id}: {exc}") from None
    # The content rules (compose/required/) look at what was merged, not at the data: a template
    # edit that drops a required sentence is caught the same way as a blank field.
    check_required(letter.id, html, letter_facts(letter))
    return RenderedHtml(letter, html, template_identity(templates_root, planned.lang, planned.kind))
