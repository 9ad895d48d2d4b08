"""Decide which letter each account gets (or why it gets none), as of a given date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from letters.decide.amounts import (
    AmountsError,
    Received,
    less_payments,
    received_payments,
    with_interest,
)
from letters.decide.business_days import CalendarError, calendar_key, next_business_day
from letters.decide.holds import Hold, blocking_hold, column_hold
from letters.decide.interest import Interest, InterestError
from letters.decide.limitation import expiry, jurisdiction_of
from letters.decide.policy import Policy
from letters.decide.us_first_contact import first_contact
from letters.intake.accounts import Account


@dataclass(frozen=True)
class PlannedLetter:
    """One letter to write, with the reason it was chosen (shown by `letters plan`)."""

    account: Account
    kind: str
    lang: str
    days_past_due: int
    letter_date: date
    pay_by: date
    reason: str
    overridden: tuple[Hold, ...] = ()  # holds this letter goes out despite (--override-hold)
    override_why: str = ""
    validation_end: date | None = None  # US: the validation period this letter opens or falls in
    us_consumer: bool = False  # a US debt collector's letter to a consumer (FDCPA applies)
    pay_by_note: str = ""  # which calendar set the pay-by date, and what it moved past
    earlier: tuple[tuple[str, date], ...] = ()  # (kind, date) of the letters sent before, from the ledger
    interest: Interest | None = None  # computed (decide/interest.py); account.interest is its amount
    received: tuple[Received, ...] = ()  # recorded payments subtracted (in account.payments)
    file_interest: Decimal = Decimal(0)  # the accounts file's interest column the computation replaced
    refused: str = ""  # why the letter may not be written as planned (an interest cap): it fails
    # US: the limitation period ran out before the letter date (decide/limitation.py): no threat of
    # suit, no lawyer's letter (12 CFR 1006.26(b)), and the state's time-barred notice.
    time_barred: bool = False


@dataclass(frozen=True)
class Skipped:
    """An account that gets no letter this time, and why."""

    account: Account
    days_past_due: int
    reason: str


@dataclass(frozen=True)
class Plan:
    as_of: date
    letters: tuple[PlannedLetter, ...]
    skipped: tuple[Skipped, ...]


ESCALATION = ("reminder", "demand", "lawyer")


def plan_letters(
    accounts: Iterable[Account],
    policy: Policy,
    as_of: date,
    *,
    force_kind: str | None = None,
    force_lang: str | None = None,
    history: Mapping[str, Sequence[tuple[str, date]]] | None = None,
    holds: Mapping[str, Sequence[Hold]] | None = None,
    override_hold: str | None = None,
    us_first_contact: frozenset[str] = frozenset(),
    payments: Mapping[str, Sequence[tuple[date, Decimal, str]]] | None = None,
) -> Plan:
    """Apply the policy's stages to each account; ``force_kind`` overrides the stage for all.

    ``history`` (account id → letters sent, as (kind, date)) makes escalation continue from the
    last kind sent and skips an account that got the same kind within the policy's cool-down.
    ``holds`` (account id → holds from the ledger) and the accounts file's hold/status column
    skip an account whose hold does not allow the letter's kind, even a forced one, unless
    ``override_hold`` gives the operator's reason for sending it anyway. Accounts in
    ``us_first_contact`` (a US debt collector writing to a consumer) get the validation notice
    first and nothing that overshadows its period (decide/us_first_contact.py). ``payments``
    (account id → recorded (day, amount, currency)) are subtracted from the balance as
    decide/amounts.py says, and interest is computed when the policy claims a rate.
    """
    letters: list[PlannedLetter] = []
    skipped: list[Skipped] = []
    for original in accounts:
        try:
            received = received_payments(original, (payments or {}).get(original.account_id, ()), as_of)
        except AmountsError as exc:
            skipped.append(Skipped(original, (as_of - original.due_date).days, f"refused: {exc}"))
            continue
        account = less_payments(original, received)
        chosen = _choose(account, policy, as_of, force_kind, force_lang, history or {})
        if isinstance(chosen, Skipped):
            skipped.append(chosen)
            continue
        refused: Skipped | None = None
        if account.account_id in us_first_contact:
            sent = (history or {}).get(account.account_id, ())
            contact = first_contact(chosen.kind, force_kind is not None, sent, as_of, chosen.pay_by)
            if contact.kind is None:
                # Shown unless a hold also stops the letter: the hold is the weightier reason.
                refused = Skipped(account, chosen.days_past_due, contact.note)
            else:
                chosen = replace(
                    chosen,
                    kind=contact.kind,
                    reason=chosen.reason + contact.note,
                    pay_by=contact.pay_by,
                    validation_end=contact.validation_end,
                    us_consumer=True,
                )
        on_hold = [*(holds or {}).get(account.account_id, ())]
        from_file = column_hold(account, as_of)
        if from_file is not None:
            on_hold.append(from_file)
        blocking = [
            h for h in on_hold if blocking_hold([h], chosen.kind, as_of, policy.hold_rules) is not None
        ]
        if blocking and override_hold is None:
            first = blocking[0]
            rule = policy.hold_rules[first.reason]
            allowed = ", ".join(rule.allowed) or "no letter"
            skipped.append(
                Skipped(
                    account,
                    chosen.days_past_due,
                    f"on hold: {first.describe()}; a {first.reason} hold allows {allowed} "
                    f"({rule.source}); {chosen.kind} not sent",
                )
            )
            continue
        if refused is not None:  # an override lifts holds, never the US first-contact rules
            skipped.append(refused)
            continue
        if blocking:
            reasons = ", ".join(h.reason for h in blocking)
            chosen = replace(
                chosen,
                reason=f"{chosen.reason}; {reasons} hold overridden: {override_hold}",
                overridden=tuple(blocking),
                override_why=override_hold or "",
            )
        before = (history or {}).get(account.account_id, ())
        chosen = replace(
            chosen, earlier=tuple(sorted((i for i in before if i[1] <= as_of), key=lambda i: i[1]))
        )
        barred = _time_barred(chosen, policy)
        if barred is not None:
            if chosen.kind == "lawyer":
                skipped.append(
                    Skipped(
                        account,
                        chosen.days_past_due,
                        f"time-barred: the limitation period ended {barred.isoformat()}; no lawyer's "
                        "letter, no threat of suit (12 CFR 1006.26(b))",
                    )
                )
                continue
            chosen = replace(chosen, time_barred=True)
        dated = _on_business_day(chosen)
        if isinstance(dated, Skipped):
            skipped.append(dated)
        else:
            letters.append(_amounts(dated, original, received, policy))
    return Plan(as_of, tuple(letters), tuple(skipped))


def _amounts(
    planned: PlannedLetter, original: Account, received: tuple[Received, ...], policy: Policy
) -> PlannedLetter:
    """The letter with its interest (to the letter date or the pay-by date, as the policy says);
    a rate a cap refuses makes the letter refused, naming the account and the cap."""
    end = planned.pay_by if policy.interest.to == "pay-by" else planned.letter_date
    try:
        account, interest = with_interest(original, planned.account, received, end, policy.interest)
    except InterestError as exc:
        return replace(planned, received=received, refused=str(exc))
    replaced = original.interest if interest is not None else Decimal(0)
    return replace(planned, account=account, interest=interest, received=received, file_interest=replaced)


def _time_barred(planned: PlannedLetter, policy: Policy) -> date | None:
    """The expiry of a US debt's limitation period when it ended before the letter date, else None.

    Only US letters: Regulation F forbids suing or threatening suit on a time-barred debt
    (12 CFR 1006.26(b)) and the states add disclosures; elsewhere the limitation report warns.
    """
    code = jurisdiction_of(planned.account)
    if not code.startswith("US"):
        return None
    status = expiry(planned.account, settings=policy.limitation)
    return status.expiry if status.expiry < planned.letter_date else None


def _on_business_day(planned: PlannedLetter) -> PlannedLetter | Skipped:
    """The pay-by date moved to the next business day in the debtor's country (民法142条, 民法典
    203条 and banking practice); a year the calendar does not know skips the letter, naming it."""
    address = planned.account.address
    try:
        key = calendar_key(address.country, planned.account.jurisdiction)
    except CalendarError as exc:
        return replace(planned, pay_by_note=f"{planned.pay_by.isoformat()} (not moved: {exc})")
    try:
        moved = next_business_day(planned.pay_by, key)
    except CalendarError as exc:
        return Skipped(planned.account, planned.days_past_due, f"pay-by date: {exc}")
    return replace(planned, pay_by=moved.day, pay_by_note=moved.describe())


def _not_overdue(account: Account, days: int) -> str:
    when = "today" if days == 0 else f"in {-days} days"
    return f"not overdue: due {when} ({account.due_date.isoformat()})"


def _choose(
    account: Account,
    policy: Policy,
    as_of: date,
    force_kind: str | None,
    force_lang: str | None,
    history: Mapping[str, Sequence[tuple[str, date]]],
) -> PlannedLetter | Skipped:
    """The letter the stages (or --letter) give one account before holds, or why it gets none."""
    pay_by = as_of + timedelta(days=policy.pay_within_days)
    days = (as_of - account.due_date).days
    lang = force_lang or account.language
    floor = policy.minimum_balance.get(account.currency)
    if account.total <= 0:
        return Skipped(account, days, f"nothing owed: balance {account.currency} {account.total}")
    if floor is not None and account.total < floor:
        return Skipped(
            account,
            days,
            f"balance {account.currency} {account.total} is below the policy's minimum "
            f"{account.currency} {floor}",
        )
    if force_kind in ESCALATION and days <= 0:
        # --letter picks the kind, not the facts: a reminder, demand or lawyer's letter says the
        # debt is overdue, which before its due date it is not (a validation notice or a payment
        # plan may go at any time).
        why = f"a {force_kind} letter says the debt is overdue, so none goes before the due date has passed"
        return Skipped(account, days, f"{_not_overdue(account, days)}; {why}")
    if force_kind is not None:
        reason = f"{days} days past due; {force_kind} chosen with --letter"
        return PlannedLetter(account, force_kind, lang, days, as_of, pay_by, reason)
    if days <= 0:
        return Skipped(account, days, _not_overdue(account, days))
    stage = policy.stage_for(days)
    if stage is None:
        return Skipped(account, days, f"{days} days past due: no stage of the policy covers it")
    upper = f"{stage.max_days}" if stage.max_days is not None else "∞"
    kind = stage.kind
    reason = f"{days} days past due: stage {stage.min_days}–{upper} days → {stage.kind}"
    sent = [item for item in history.get(account.account_id, ()) if item[0] in ESCALATION]
    if sent:
        last_kind, last_date = max(sent, key=lambda item: (item[1], ESCALATION.index(item[0])))
        since = (as_of - last_date).days
        if since < policy.cooldown_days and _rank(kind) <= _rank(last_kind):
            return Skipped(
                account,
                days,
                f"cool-down: {last_kind} sent on {last_date.isoformat()} ({since} days ago; "
                f"cool-down {policy.cooldown_days} days)",
            )
        if since >= policy.cooldown_days:
            following = ESCALATION[min(_rank(last_kind) + 1, len(ESCALATION) - 1)]
            if _rank(following) > _rank(kind):
                kind = following
                reason += f"; escalated to {kind} after {last_kind} on {last_date.isoformat()}"
    return PlannedLetter(account, kind, lang, days, as_of, pay_by, reason)


def _rank(kind: str) -> int:
    return ESCALATION.index(kind) if kind in ESCALATION else -1
