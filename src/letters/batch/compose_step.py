"""Accounts → plan → letters: each with its id, sender, client, reference, file name and kind context."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letters.batch.options import Options
from letters.batch.results import BatchResult, FailedLetter, as_of_date, failure_message
from letters.compose.letterhead import Letterhead, find_letterhead
from letters.compose.render_html import Letter, safe_name
from letters.decide.plan import Plan, PlannedLetter, plan_letters
from letters.decide.policy import Policy
from letters.errors import ConfigError, LettersError
from letters.intake.accounts import Account

if TYPE_CHECKING:
    from letters.evidence.ledger import Ledger, LetterRecord


def make_plan(
    accounts: Sequence[Account],
    options: Options,
    policy: Policy,
    history: Mapping[str, Sequence[LetterRecord]] | None = None,
) -> Plan:
    sent = {
        account_id: [(r.kind, date.fromisoformat(r.letter_date)) for r in rows]
        for account_id, rows in (history or {}).items()
    }
    return plan_letters(
        accounts,
        policy,
        as_of_date(options),
        force_kind=options.letter_kind,
        force_lang=options.lang,
        history=sent,
    )


class _Letterheads:
    """Letterheads loaded once per batch, by name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Letterhead] = {}

    def get(self, name: str) -> Letterhead:
        if name not in self._cache:
            self._cache[name] = find_letterhead(name, self.root)
        return self._cache[name]


def build_letters(
    plan: Plan, options: Options, policy: Policy, ledger: Ledger | None = None
) -> tuple[list[Letter], list[FailedLetter]]:
    """Give each planned letter its id, sender, client and reference; config problems fail that letter."""
    heads = _Letterheads(options.letterheads)
    era = policy.era_dates if options.era_dates is None else options.era_dates
    letters: list[Letter] = []
    failed: list[FailedLetter] = []
    used_ids: set[str] = set()
    pending: list[tuple[PlannedLetter, str, Letterhead, Letterhead | None]] = []
    for planned in plan.letters:
        letter_id = _unique_id(planned, plan.as_of, used_ids)
        country = planned.account.address.country
        try:
            company = heads.get(options.letterhead or policy.sender_for(planned.lang, country, lawyer=False))
            if planned.kind == "lawyer":
                sender = heads.get(policy.sender_for(planned.lang, country, lawyer=True))
                client: Letterhead | None = company
            else:
                sender, client = company, None
            sender.text(planned.lang)  # fail now, naming the letterhead, if it lacks the language
        except LettersError as exc:
            failed.append(FailedLetter(letter_id, planned.account.account_id, f"letter {letter_id}: {exc}"))
            continue
        pending.append((planned, letter_id, sender, client))
    from letters.evidence.ledger import Ledger

    own = ledger is None
    book = ledger or Ledger(options.db)
    try:
        references = _references(pending, plan.as_of, book)
    finally:
        if own:
            book.close()
    for sequence, ((planned, letter_id, sender, client), reference) in enumerate(
        zip(pending, references, strict=True), start=1
    ):
        letters.append(
            Letter(
                id=letter_id,
                sequence=sequence,
                planned=planned,
                sender=sender,
                client=client,
                reference=reference,
                era_dates=era,
            )
        )
    return letters, failed


def _unique_id(planned: PlannedLetter, as_of: date, used: set[str]) -> str:
    base = f"{as_of:%Y%m%d}-{planned.kind}-{safe_name(planned.account.account_id, limit=40)}"
    candidate = base
    if candidate in used:
        # Two account ids that sanitise alike (a/b and a_b) must still get distinct letters.
        digest = hashlib.sha256(planned.account.account_id.encode()).hexdigest()[:8]
        candidate = f"{base}-{digest}"
    used.add(candidate)
    return candidate


def _references(
    pending: Sequence[tuple[PlannedLetter, str, Letterhead, Letterhead | None]], as_of: date, ledger: Ledger
) -> list[str]:
    """Letter references: law firms number their letters per year; others quote the account id.

    Serials live in the ledger keyed by letter id, so a re-run (after a crash) prints the same
    reference and a number once issued is never issued to another letter.
    """
    wanted: dict[str, list[str]] = {}
    for planned, letter_id, sender, _ in pending:
        if planned.kind == "lawyer":
            wanted.setdefault(f"{sender.id}-{as_of.year}", []).append(letter_id)
    serials: dict[str, int] = {}
    for counter, ids in wanted.items():
        serials.update(ledger.reference_serials(counter, ids))
    refs: list[str] = []
    for planned, letter_id, sender, _ in pending:
        if planned.kind != "lawyer":
            refs.append(planned.account.account_id)
            continue
        serial = serials[letter_id]
        prefix = sender.text(planned.lang).reference_prefix or sender.id.upper()
        if planned.lang == "zh":
            refs.append(f"（{as_of.year}）{prefix}第{serial:04d}号")
        else:
            refs.append(f"{prefix}-{as_of.year}-{serial:04d}")
    return refs


def file_name(letter: Letter, pattern: str) -> str:
    planned = letter.planned
    values = {
        "date": planned.letter_date.isoformat(),
        "lang": planned.lang,
        "kind": planned.kind,
        "account": safe_name(planned.account.account_id),
        "seq": f"{letter.sequence:05d}",
        "id": letter.id,
    }
    return safe_name(pattern.format(**values), limit=150) + ".pdf"


def file_names(letters: Sequence[Letter], pattern: str) -> dict[str, str]:
    """File name per letter id; names that sanitise alike get a suffix instead of overwriting."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for letter in letters:
        name = file_name(letter, pattern)
        if name.lower() in used:  # case-insensitive file systems would collide too
            digest = hashlib.sha256(letter.id.encode()).hexdigest()[:8]
            name = f"{name.removesuffix('.pdf')}-{digest}.pdf"
        used.add(name.lower())
        names[letter.id] = name
    return names


def letter_fields(account: Account) -> dict[str, str]:
    """The account's text fields by column name, so a missing glyph can be traced to its cell."""
    address = account.address
    fields = {
        "debtor_name": account.debtor_name,
        "attention": account.attention,
        "account_id": account.account_id,
        "contract_number": account.contract_number,
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "region": address.region,
        "district": address.district,
        "invoice_refs": ";".join(account.invoice_refs),
        "creditor": account.creditor,
    }
    fields.update(account.extra)
    return fields


def add_kind_context(letters: Sequence[Letter], options: Options, result: BatchResult) -> list[Letter]:
    """Kind-specific figures (validation notice, payment plan) and the 内容証明 grid, per letter."""
    from letters.compose import payment_plan, validation_notice
    from letters.compose.naiyo import NAIYO_KINDS

    ready: list[Letter] = []
    for letter in letters:
        kind = letter.planned.kind
        try:
            extra: dict[str, Any] = {}
            if kind == "validation-notice":
                extra = validation_notice.extra_context(
                    letter,
                    validation_days=options.validation_days,
                    spanish=options.spanish,
                    dispute_url=options.dispute_url,
                )
            elif kind == "payment-plan":
                if options.installments is None:
                    raise ConfigError("a payment-plan letter needs --installments N")
                extra = payment_plan.extra_context(
                    letter,
                    installments=options.installments,
                    first_due=options.first_due,
                    every=options.every,
                )
            naiyo = options.naiyo if letter.planned.lang == "ja" and kind in NAIYO_KINDS else None
            ready.append(replace(letter, extra_context=extra, naiyo=naiyo))
        except LettersError as exc:
            result.failed.append(
                FailedLetter(letter.id, letter.account.account_id, failure_message(letter, exc))
            )
    return ready
