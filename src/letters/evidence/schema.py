"""The ledger's tables (one MetaData) and which of them are hash-chained row by row.

Every table a Ledger writes is defined here, and every chained table is registered here, so any
process that opens a Ledger creates, chains and verifies the same set whatever it imported first
(registering holds only when evidence/holds.py was imported made chain counts import-order dependent).
Payments and plan installments (evidence/payments.py) and batch anchors (evidence/anchor.py) add
their tables to this MetaData where they are defined; they are not chained.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from letters.evidence.chain_events import register_chained

metadata = MetaData()

tracking = Table(
    "tracking",
    metadata,
    Column("number", String(40), primary_key=True),  # a number is assigned once, ever
    Column("scheme", String(8), nullable=False),
    Column("letter_id", String(200), nullable=False, unique=True),
    Column("account_id", String(200), nullable=False),
    Column("source", String(20), nullable=False),  # column / pool / range
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

delivery_events = Table(
    "delivery_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tracking_number", String(40), nullable=False, index=True),
    Column("event", String(20), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("matched", Boolean, nullable=False),  # False: the number is not one we assigned
    Column("source", String(500), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)


references = Table(
    "references",
    metadata,
    Column("letter_id", String(200), primary_key=True),  # a re-run gets its reference back
    Column("counter", String(100), nullable=False),  # e.g. mingli-law-2026
    Column("serial", Integer, nullable=False),
    Column("account_id", String(200), nullable=True),  # None: written before accounts were kept
    UniqueConstraint("counter", "serial"),
)

batches = Table(
    "batches",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 … in chain order
    Column("batch_id", String(100), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),  # ISO 8601 UTC, hashed as text
    Column("as_of", String(10), nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("letter_count", Integer, nullable=False),
    Column("operator", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

letters_table = Table(
    "letters",
    metadata,
    Column("letter_id", String(200), primary_key=True),  # each letter is recorded once, ever
    Column("batch_id", String(100), nullable=False, index=True),
    Column("account_id", String(200), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("letter_date", String(10), nullable=False),
    Column("data_sha256", String(64), nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("docx_sha256", String(64), nullable=False),
    Column("tracking_number", String(40), nullable=False),
    Column("qr_payload", String(500), nullable=False),
    Column("file", String(300), nullable=False),
)


holds_table = Table(
    "holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(200), nullable=False, index=True),
    Column("reason", String(20), nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date, nullable=True),  # None: until released
    Column("note", String(500), nullable=False, default=""),
    Column("operator", String(200), nullable=False),
    Column("source", String(100), nullable=False),  # ledger (letters hold) or the accounts file
    Column("placed_at", DateTime(timezone=True), nullable=False),
    # A release never deletes the row: who released it, when and why stay on record.
    Column("released_on", Date, nullable=True),
    Column("released_by", String(200), nullable=True),
    Column("release_note", String(500), nullable=True),
)

overrides_table = Table(
    "hold_overrides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(200), nullable=False, index=True),
    Column("letter_id", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("holds", String(500), nullable=False),  # the holds overridden, as described
    Column("why", String(500), nullable=False),
    Column("operator", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)


# Evidence other than letters is hash-chained row by row (evidence/chain_events.py).
register_chained(tracking, ["number"], lambda r: f"tracking number {r['number']} (letter {r['letter_id']})")
register_chained(
    delivery_events,
    ["id"],
    lambda r: f"delivery event #{r['id']} ({r['tracking_number']} {r['event']} {r['event_date']})",
)
register_chained(
    references, ["letter_id"], lambda r: f"reference {r['counter']}/{r['serial']} ({r['letter_id']})"
)
register_chained(
    holds_table,
    ["id"],
    lambda r: f"hold #{r['id']} ({r['account_id']} {r['reason']} since {r['since']})",
)
register_chained(
    overrides_table,
    ["id"],
    lambda r: f"hold override #{r['id']} ({r['account_id']} letter {r['letter_id']})",
)

# US attorney letters: the attorney who reviewed the account before the letter went out
# (compose/attorney_review.py), kept beside the letter's row so the letters' chain is unchanged.
attorney_reviews = Table(
    "attorney_reviews",
    metadata,
    Column("letter_id", String(200), primary_key=True),
    Column("attorney", String(200), nullable=False),
)
register_chained(attorney_reviews, ["letter_id"], lambda r: f"review by {r['attorney']} ({r['letter_id']})")
