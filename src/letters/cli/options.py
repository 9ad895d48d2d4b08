"""The options, callbacks and small helpers the `letters` commands share."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from letters.decide.kinds import KINDS
from letters.decide.policy import load_policy
from letters.intake.accounts import LANGUAGES, AccountSet
from letters.intake.parse import check_letter_date, parse_date
from letters.intake.sources import FORMATS, Format

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

encoding_option = click.option(
    "--encoding",
    metavar="NAME",
    help="Text encoding of a CSV: utf-8 (default, BOM allowed), cp932 or gb18030.",
)
format_option = click.option(
    "--input-format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Input format; by default from the file extension (or the content, for stdin).",
)


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return check_letter_date(parse_date(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


as_of_option = click.option(
    "--as-of",
    metavar="DATE",
    callback=_parse_as_of,
    help="Date the letters are written on and days past due are counted to (default: today).",
)
policy_option = click.option(
    "--policy",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Escalation policy TOML (default: reminder ≤ 30 days, demand 31–60, lawyer > 60).",
)
letter_option = click.option(
    "--letter", "letter_kind", type=click.Choice(KINDS), help="Write this kind of letter for every account."
)
lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), help="Write every letter in this language."
)
set_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="FIELD=VALUE",
    help="One-off letter: give the account's fields on the command line instead of a FILE.",
)


def _accounts(
    file: str | None, settings: tuple[str, ...], encoding: str | None, fmt: Format | None, lang: str | None
) -> AccountSet:
    from letters.intake.oneoff import account_from_settings
    from letters.intake.validate import load_accounts

    if file and settings:
        raise click.UsageError("give either FILE or --set FIELD=VALUE …, not both")
    if settings:
        return account_from_settings(settings, lang=lang)
    if not file:
        raise click.UsageError(
            "give an accounts FILE (or - for stdin), or --set FIELD=VALUE … for one letter"
        )
    return load_accounts(file, encoding=encoding, fmt=fmt)


def _limitation_rows(accounts: Any, as_of: date, db: str | None, policy: Path | None) -> list[Any]:
    from letters.decide.limitation import report_rows
    from letters.evidence.deliveries import delivered_demands
    from letters.evidence.ledger import Ledger

    book = Ledger(db)
    try:
        demands = delivered_demands(book, (a.account_id for a in accounts))
    finally:
        book.close()
    return report_rows(accounts, as_of, demands=demands, settings=load_policy(policy).limitation)


# The folders `timestamp` and `bundle` look for batch bags in (one per batch id).
bag_folders_option = click.option(
    "--archive-dir",
    "archive_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    default=(Path("out/archive"),),
    show_default=True,
    help="A folder of batch bags (one per batch id); give it again for more folders.",
)
