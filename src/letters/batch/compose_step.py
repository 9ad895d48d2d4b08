"""Accounts → plan → letters: each with its id, sender, client, reference, file name and kind context."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letters.batch.options import Options
from letters.batch.results import BatchResult, FailedLetter, as_of_date, failure_message
from letters.compose.attorney_review import applies as review_applies
from letters.compose.attorney_review import bulk_refusal
from letters.compose.letterhead import Letterhead, find_letterhead
from letters.compose.render_html import Letter, safe_name
from letters.decide.holds import Hold
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
    holds: Mapping[str, Sequence[Hold]] | None = None,
    payments: Mapping[str, Sequence[tuple[date, Decimal, str]]] | None = None,
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
        holds=holds,
        override_hold=options.override_hold,
        us_first_contact=us_first_contact(accounts, options, policy),
        payments=payments,
    )


def us_first_contact(accounts: Sequence[Account], options: Options, policy: Policy) -> frozenset[str]:
    """Accounts of US consumers whose letters come from a debt collector's letterhead."""
    heads = _Letterheads(options.letterheads)
    found: set[str] = set()
    for account in accounts:
        if account.address.country != "US" or account.debtor_type != "person":
            continue
        lang = options.lang or account.language
        try:
            sender = heads.get(policy.sender_for(lang, "US", lawyer=False))
        except LettersError:
            continue  # build_letters fails the letter, naming the letterhead
        if sender.debt_collector:
            found.add(account.account_id)
    return frozenset(found)


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
    plan: Plan,
    options: Options,
    policy: Policy,
    ledger: Ledger | None = None,
    start: int = 1,
    earlier_reviews: int = 0,
) -> tuple[list[Letter], list[FailedLetter]]:
    """Give each planned letter its id, sender, client and reference; config problems fail that letter.

    Sequence numbers count from ``start``: a part of a large batch goes on from the one before it,
    so that {seq} file names never repeat in the output folder; ``earlier_reviews`` counts the US
    attorney letters of the parts before it, which the bulk rule counts with this part's."""
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
            if planned.us_consumer and not (
                planned.account.creditor or planned.account.extra.get("current_creditor", "")
            ):
                raise ConfigError(
                    f"{company.id} is a debt collector, whose letters to a US consumer must name the "
                    "creditor the debt is owed to (FDCPA §1692g(a)(2), §1692e(14)): the account has "
                    "no creditor column"
                )
        except LettersError as exc:
            failed.append(FailedLetter(letter_id, planned.account.account_id, f"letter {letter_id}: {exc}"))
            continue
        if planned.refused:
            failed.append(
                FailedLetter(letter_id, planned.account.account_id, f"letter {letter_id}: {planned.refused}")
            )
            continue
        pending.append((planned, letter_id, sender, client))
    refusal = bulk_refusal(
        earlier_reviews + sum(1 for p in pending if review_applies(p[0])),
        options.reviewed_by,
        options.no_attorney_review,
    )
    if refusal:
        raise ConfigError(refusal)
    if options.archive:
        from letters.evidence.ledger import Ledger

        own = ledger is None
        book = ledger or Ledger(options.db)
        try:
            references = _references(pending, plan.as_of, book)
        finally:
            if own:
                book.close()
    else:
        # Nothing is recorded, so nothing is sent: a law firm's serial goes only to a letter that is
        # (its numbering may have no gaps); a draft shows a placeholder instead.
        references = _references(pending, plan.as_of, None)
    for sequence, ((planned, letter_id, sender, client), reference) in enumerate(
        zip(pending, references, strict=True), start=start
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
                reviewed_by=(options.reviewed_by or "").strip() if review_applies(planned) else "",
            )
        )
    return letters, failed


# safe_name() never writes this character, so an id with it never equals a readable one.
ID_HASH_MARK = "~"


def letter_id_for(as_of: date, kind: str, account_id: str) -> str:
    """The ledger's key for a letter: date, kind and the exact account id, never a lossy form of it.

    An account id that is already file-name safe and short is used as it is (JA-0001 →
    20261123-demand-JA-0001). Any other (2024/0017, 2024.0017, 60 characters) gets its sanitised
    start for reading plus ``~`` and 16 hex digits of the SHA-256 of the exact id: ids that
    sanitise alike (2024/0017 and 2024_0017) then never share a letter id, in any run.
    """
    readable = safe_name(account_id, limit=40)
    base = f"{as_of:%Y%m%d}-{kind}-{readable}"
    if readable == account_id:
        return base
    digest = hashlib.sha256(account_id.encode("utf-8")).hexdigest()[:16]
    return f"{base}{ID_HASH_MARK}{digest}"


def _unique_id(planned: PlannedLetter, as_of: date, used: set[str]) -> str:
    candidate = letter_id_for(as_of, planned.kind, planned.account.account_id)
    if candidate in used:
        # Only one account row per id reaches a plan (intake refuses repeats), so this is a bug.
        raise LettersError(f"letter id {candidate} planned twice in one batch")
    used.add(candidate)
    return candidate


# The reference a law firm's letter shows when it is not sent (a preview or a --no-archive render).
DRAFT_REFERENCE = {"ja": "（下書き）", "zh": "（草稿）", "en": "(draft)"}


def _references(
    pending: Sequence[tuple[PlannedLetter, str, Letterhead, Letterhead | None]],
    as_of: date,
    ledger: Ledger | None,
) -> list[str]:
    """Letter references: law firms number their letters per year; others quote the account id.

    Serials live in the ledger keyed by letter id, so a re-run (after a crash) prints the same
    reference and a number once issued is never issued to another letter. Without a ledger (a
    draft) a law firm's letter gets DRAFT_REFERENCE.
    """
    wanted: dict[str, dict[str, str]] = {}
    for planned, letter_id, sender, _ in pending:
        if planned.kind == "lawyer":
            wanted.setdefault(f"{sender.id}-{as_of.year}", {})[letter_id] = planned.account.account_id
    serials: dict[str, int] = {}
    for counter, owners in wanted.items():
        if ledger is not None:
            serials.update(ledger.reference_serials(counter, list(owners), accounts=owners))
    refs: list[str] = []
    for planned, letter_id, sender, _ in pending:
        if planned.kind != "lawyer":
            refs.append(planned.account.account_id)
            continue
        if letter_id not in serials:
            refs.append(DRAFT_REFERENCE.get(planned.lang, DRAFT_REFERENCE["en"]))
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
    from letters.compose.naiyo import NAIYO_KINDS, build_document

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
            if letter.planned.overridden and not options.archive and options.tracking is None:
                # The override of a run that records nothing is not recorded either: the letter
                # says on its face that it is a held account's draft, not one to send.
                extra["held_draft"] = "; ".join(h.describe() for h in letter.planned.overridden)
            naiyo = options.naiyo if letter.planned.lang == "ja" and kind in NAIYO_KINDS else None
            if naiyo is not None:
                document = build_document(letter, naiyo, cover=False)
                result.warnings += [doubt.warning(letter.id) for doubt in document.doubts]
            ready.append(replace(letter, extra_context=extra, naiyo=naiyo))
        except LettersError as exc:
            result.failed.append(
                FailedLetter(letter.id, letter.account.account_id, failure_message(letter, exc))
            )
    return ready
