"""Shared for the desk tests: a desk on the sample accounts, and its form values for an account."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from letters.desk.config import DeskConfig

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = tuple(ROOT / "samples" / f"accounts_{lang}.csv" for lang in ("ja", "zh", "en"))
AS_OF = date(2026, 11, 23)


def held(account_id: str) -> str | None:
    """A hold check for the tests: JA-1002 is disputed."""
    return "debtor disputes the debt" if account_id == "JA-1002" else None


def desk_config(tmp: Path, **changes: object) -> DeskConfig:
    settings: dict[str, object] = {
        "accounts": SAMPLES,
        "outdir": tmp / "out",
        "db": f"sqlite:///{tmp / 'ledger.sqlite'}",
        "operator": "collector-7",
        "as_of": AS_OF,
        "hold_check": held,
    }
    settings.update(changes)
    return DeskConfig(**settings)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def form_values(html: str) -> dict[str, str]:
    """The compose form's field values as the page pre-filled them."""
    return dict(re.findall(r'<input name="(\w+)" id="f-\w+" value="([^"]*)"', html))
