"""A checked account + the collector's choice → Options and one Letter, without touching the ledger."""

from __future__ import annotations

from pathlib import Path

from letters.batch.compose_step import add_kind_context, make_plan
from letters.batch.options import Options
from letters.batch.results import BatchResult
from letters.compose.letterhead import find_letterhead, load_letterhead
from letters.compose.naiyo_grid import parse_grid
from letters.compose.render_html import Letter
from letters.decide.policy import load_policy
from letters.desk.config import DeskConfig
from letters.desk.forms import LetterChoice
from letters.errors import LettersError
from letters.intake.accounts import AccountSet


def options_for(
    config: DeskConfig, choice: LetterChoice, *, operator: str | None, override_hold: str | None = None
) -> Options:
    """The Options `letters render --set … --letter KIND` would build for this letter."""
    return Options(
        outdir=config.outdir,
        as_of=config.as_of,
        policy=config.policy,
        letter_kind=choice.kind,
        formats=("pdf", "docx") if choice.docx else ("pdf",),
        combined=False,
        db=config.db,
        archive_dir=config.archive_dir,
        operator=operator,
        tracking=config.tracking,
        workers=1,  # this process: the desk sends one letter at a time
        naiyo=parse_grid(choice.naiyo) if choice.naiyo else None,
        installments=choice.installments,
        letterhead=choice.letterhead or None,
        override_hold=override_hold,  # recorded in the ledger's hold overrides, as --override-hold
    )


def company_letterheads(root: Path) -> tuple[str, ...]:
    """The company letterheads a collector may pick (law firms come from the policy)."""
    names = []
    for folder in sorted(root.iterdir()):
        if (folder / "letterhead.toml").is_file() and load_letterhead(folder).kind == "company":
            names.append(folder.name)
    return tuple(names)


def preview_letter(accounts: AccountSet, options: Options) -> Letter:
    """The letter as it would be sent, but with no ledger read or write: no serial, no tracking number.

    A lawyer's letter shows "PREVIEW" where the firm's serial reference will be.
    """
    policy = load_policy(options.policy)
    plan = make_plan(accounts.accounts, options, policy)
    if not plan.letters:
        reasons = "; ".join(skipped.reason for skipped in plan.skipped)
        raise LettersError(f"no letter for this account: {reasons}")
    planned = plan.letters[0]
    if planned.refused:  # e.g. a contract rate over its cap: the send would fail, so must the preview
        raise LettersError(f"no letter for this account: {planned.refused}")
    country = planned.account.address.country
    company_name = options.letterhead or policy.sender_for(planned.lang, country, lawyer=False)
    company = find_letterhead(company_name, options.letterheads)
    sender, client = company, None
    if planned.kind == "lawyer":
        sender = find_letterhead(policy.sender_for(planned.lang, country, lawyer=True), options.letterheads)
        client = company
    sender.text(planned.lang)  # a letterhead without this language fails here, by name
    era = policy.era_dates if options.era_dates is None else options.era_dates
    letter = Letter(
        id=f"preview-{planned.kind}",
        sequence=1,
        planned=planned,
        sender=sender,
        client=client,
        reference="PREVIEW" if planned.kind == "lawyer" else planned.account.account_id,
        era_dates=era,
    )
    result = BatchResult(plan=plan)
    ready = add_kind_context([letter], options, result)
    if result.failed:
        raise LettersError(result.failed[0].error)
    return ready[0]
