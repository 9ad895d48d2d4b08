"""The time the ledger records: now, or SOURCE_DATE_EPOCH when it is set (reproducible output).

Batches, tracking assignments, delivery imports, holds, overrides and evidence chain entries all
take their time from here, so two runs of the same input on fresh ledgers under one
SOURCE_DATE_EPOCH seal the same chain heads into their bags (tests/evidence/test_archive.py).
These times are the sender's own claim either way; the TSA's token is what dates a batch.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now_utc() -> datetime:
    """The time recorded for a batch or an evidence row; SOURCE_DATE_EPOCH pins it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
