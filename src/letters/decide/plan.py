"""Decide which letter each account gets (or why it gets none), as of a given date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from letters.decide.policy import Policy
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
) -> Plan:
    """Apply the policy's stages to each account; ``force_kind`` overrides the stage for all.

    ``history`` (account id → letters sent, as (kind, date)) makes escalation continue from the
    last kind sent and skips an account that got the same kind within the policy's cool-down.
    """
    letters: list[PlannedLetter] = []
    skipped: list[Skipped] = []
    pay_by = as_of + timedelta(days=policy.pay_within_days)
    for account in accounts:
        days = (as_of - account.due_date).days
        lang = force_lang or account.language
        if force_kind is not None:
            reason = f"{days} days past due; {force_kind} chosen with --letter"
            letters.append(PlannedLetter(account, force_kind, lang, days, as_of, pay_by, reason))
            continue
        if days <= 0:
            when = "today" if days == 0 else f"in {-days} days"
            skipped.append(
                Skipped(account, days, f"not overdue: due {when} ({account.due_date.isoformat()})")
            )
            continue
        stage = policy.stage_for(days)
        if stage is None:
            skipped.append(Skipped(account, days, f"{days} days past due: no stage of the policy covers it"))
            continue
        upper = f"{stage.max_days}" if stage.max_days is not None else "∞"
        kind = stage.kind
        reason = f"{days} days past due: stage {stage.min_days}–{upper} days → {stage.kind}"
        sent = [item for item in (history or {}).get(account.account_id, ()) if item[0] in ESCALATION]
        if sent:
            last_kind, last_date = max(sent, key=lambda item: (item[1], ESCALATION.index(item[0])))
            since = (as_of - last_date).days
            if since < policy.cooldown_days and _rank(kind) <= _rank(last_kind):
                skipped.append(
                    Skipped(
                        account,
                        days,
                        f"cool-down: {last_kind} sent on {last_date.isoformat()} ({since} days ago; "
                        f"cool-down {policy.cooldown_days} days)",
                    )
                )
                continue
            if since >= policy.cooldown_days:
                following = ESCALATION[min(_rank(last_kind) + 1, len(ESCALATION) - 1)]
                if _rank(following) > _rank(kind):
                    kind = following
                    reason += f"; escalated to {kind} after {last_kind} on {last_date.isoformat()}"
        letters.append(PlannedLetter(account, kind, lang, days, as_of, pay_by, reason))
    return Plan(as_of, tuple(letters), tuple(skipped))


def _rank(kind: str) -> int:
    return ESCALATION.index(kind) if kind in ESCALATION else -1
