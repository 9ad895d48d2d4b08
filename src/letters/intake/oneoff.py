"""A single account typed on the command line (--set field=value …) → a validated AccountSet."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from letters.errors import InputError, ValidationError
from letters.intake.accounts import AccountSet
from letters.intake.sources import RawRow, RawTable
from letters.intake.validate import KNOWN, REQUIRED, check_rows

# Only what follows from the chosen language is defaulted; facts about the debt never are.
_DEFAULTS_BY_LANG = {
    "ja": {"currency": "JPY", "country": "JP"},
    "zh": {"currency": "CNY", "country": "CN"},
    "en": {"currency": "USD", "country": "US"},
}


def account_from_settings(settings: Sequence[str], *, lang: str | None) -> AccountSet:
    """Build one account from FIELD=VALUE pairs, with the same rules as a row of a file."""
    cells: dict[str, str] = {}
    for item in settings:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"--set {item!r}: expected FIELD=VALUE")
        if name not in KNOWN and not name.startswith("extra."):
            raise InputError(
                f"--set {name}: unknown field; known fields are {', '.join(sorted(KNOWN))} "
                "(use extra.NAME for your own template fields)"
            )
        if name in cells:
            raise InputError(f"--set {name}: given twice")
        cells[name.removeprefix("extra.")] = value
    language = cells.get("language") or lang
    if language is None:
        raise InputError("one-off letter: give --lang ja|zh|en (or --set language=…)")
    cells.setdefault("language", language)
    for key, value in _DEFAULTS_BY_LANG.get(language, {}).items():
        cells.setdefault(key, value)
    cells.setdefault("debtor_type", "person")
    missing = [column for column in REQUIRED if not cells.get(column, "").strip()]
    if missing:
        raise InputError(f"one-off letter: missing {', '.join(missing)}; give each with --set FIELD=VALUE")
    raw = "\n".join(sorted(settings)).encode("utf-8")
    table = RawTable(
        name="--set",
        format="csv",
        encoding=None,
        sha256=hashlib.sha256(raw).hexdigest(),
        columns=tuple(cells),
        rows=(RawRow(1, cells),),
        row_label="letter",
    )
    accounts, problems = check_rows(table)
    if problems:
        raise ValidationError(problems)
    return AccountSet("--set", "csv", None, table.sha256, tuple(accounts))
