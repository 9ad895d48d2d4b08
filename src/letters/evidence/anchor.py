"""A recorded batch → its bag sealed with the chain head (+ RFC 3161 token); bags → the ledger checked.

After the ledger records a batch, the bag gets ``chain-anchor.txt``: the SHA-256 of its tag manifest
(which covers bag-info.txt and the payload manifest), the letters chain head before and after the
batch, and the evidence chain's head then (delivery events, tracking numbers, serials, holds and
overrides: evidence/chain_events.py). A TSA timestamps that file (``chain-anchor.tsr``), so both
chain heads, the tag files and through them every archived byte are dated by a third party. The
ledger keeps the tag manifest's and the anchor's SHA-256 and the letters chain heads in
``batch_anchors`` (the evidence head is in the anchor those hash), so a bag whose tag manifest was
deleted or whose anchor was rewritten disagrees with it, and a ledger rewritten consistently
disagrees with the bags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    String,
    Table,
    insert,
    inspect,
    select,
    update,
)

from letters.decide.timestamping import TimestampSettings
from letters.evidence.chain_events import chain_head, evidence_chain
from letters.evidence.ledger import BatchRecord, Ledger, batches, metadata
from letters.evidence.sqlsafe import create_tables
from letters.evidence.timestamps import TimestampError, request_token, token_time, verify_token
from letters.files import atomic_write

ANCHOR_FILE = "chain-anchor.txt"
TOKEN_FILE = "chain-anchor.tsr"  # noqa: S105  (a file name, not a secret)
TAG_MANIFEST = "tagmanifest-sha256.txt"
ANCHOR_SCHEMA = "letters.anchor/2"
# Bags sealed before the evidence chain head was anchored: the same lines but the last two.
OLDER_SCHEMAS = ("letters.anchor/1",)

batch_anchors = Table(
    "batch_anchors",
    metadata,
    Column("batch_id", String(100), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("tagmanifest_sha256", String(64), nullable=False),  # a deleted tag manifest is noticed
    Column("anchor_sha256", String(64), nullable=False),  # the timestamped imprint is SHA-256 of this file
    Column("prev_head", String(64), nullable=False),
    Column("chain_head", String(64), nullable=False),
    Column("token", LargeBinary, nullable=True),  # NULL: not timestamped yet (`letters timestamp --pending`)
    Column("tsa_url", String(500), nullable=False, default=""),
    Column("stamped_at", String(40), nullable=False, default=""),  # the TSA's genTime, ISO 8601
)


@dataclass(frozen=True)
class Seal:
    batch_id: str
    stamped_at: datetime | None  # None: not timestamped
    tsa_url: str
    note: str  # why not timestamped, or ""


def anchor_text(record: BatchRecord, tagmanifest_sha256: str, evidence: tuple[int, str]) -> bytes:
    """The timestamped file: plain text, so `openssl ts -verify -data` and a reader can use it.
    ``evidence``: the evidence chain's last entry (seq, hash) when the batch is sealed."""
    lines = [
        ANCHOR_SCHEMA,
        f"batch-id: {record.batch_id}",
        f"batch-seq: {record.seq}",
        f"tagmanifest-sha256: {tagmanifest_sha256}",
        f"previous-chain-head: {record.prev_hash}",
        f"chain-head: {record.hash}",
        f"evidence-chain-seq: {evidence[0]}",
        f"evidence-chain-head: {evidence[1]}",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def parse_anchor(raw: bytes) -> dict[str, str]:
    lines = raw.decode("ascii", errors="replace").splitlines()
    if not lines or lines[0] not in (ANCHOR_SCHEMA, *OLDER_SCHEMAS):
        raise ValueError(f"not a {ANCHOR_SCHEMA} file")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    required = ["batch-id", "batch-seq", "tagmanifest-sha256", "previous-chain-head", "chain-head"]
    if lines[0] == ANCHOR_SCHEMA:
        required += ["evidence-chain-seq", "evidence-chain-head"]
    for key in required:
        if key not in fields:
            raise ValueError(f"no {key} line")
    return fields


def ensure_table(ledger: Ledger) -> None:
    """The table is made by the first seal, so ledgers made before anchoring gain it.

    Under create_tables' lock: two batches sealing at once on a new ledger must not both create it.
    """
    create_tables(ledger.engine, batch_anchors.metadata, tables=[batch_anchors])


def has_table(ledger: Ledger) -> bool:
    """Readers never create it (read-only storage): no table means no batch was sealed yet."""
    return inspect(ledger.engine).has_table(batch_anchors.name)


def seal_batch(bag: Path, record: BatchRecord, ledger: Ledger, settings: TimestampSettings) -> Seal:
    """Write the bag's anchor, record it, and timestamp it if a TSA answers (else say why not)."""
    ensure_table(ledger)
    with ledger.engine.connect() as conn:
        existing = conn.execute(
            select(batch_anchors).where(batch_anchors.c.batch_id == record.batch_id)
        ).first()
    if existing is not None and (bag / ANCHOR_FILE).is_file():
        return _seal_of(existing._asdict())
    tag_sha = hashlib.sha256((bag / TAG_MANIFEST).read_bytes()).hexdigest()
    with ledger.engine.connect() as conn:
        evidence = chain_head(conn)
    text = anchor_text(record, tag_sha, evidence)
    atomic_write(bag / ANCHOR_FILE, text)
    row = {
        "batch_id": record.batch_id,
        "seq": record.seq,
        "tagmanifest_sha256": tag_sha,
        "anchor_sha256": hashlib.sha256(text).hexdigest(),
        "prev_head": record.prev_hash,
        "chain_head": record.hash,
        "token": None,
        "tsa_url": "",
        "stamped_at": "",
    }
    with ledger.engine.begin() as conn:
        if existing is None:
            conn.execute(insert(batch_anchors), [row])
        else:
            conn.execute(
                update(batch_anchors).where(batch_anchors.c.batch_id == record.batch_id).values(**row)
            )
    return stamp_bag(bag, record.batch_id, ledger, settings)


def stamp_bag(bag: Path, batch_id: str, ledger: Ledger, settings: TimestampSettings) -> Seal:
    """Ask the policy's TSAs for a token over the bag's anchor; store it in the bag and the ledger."""
    text = (bag / ANCHOR_FILE).read_bytes()
    try:
        token = request_token(text, settings.tsa_urls, settings.timeout_seconds)
    except TimestampError as exc:
        return Seal(batch_id, None, "", str(exc))
    atomic_write(bag / TOKEN_FILE, token.der)
    with ledger.engine.begin() as conn:
        conn.execute(
            update(batch_anchors)
            .where(batch_anchors.c.batch_id == batch_id)
            .values(token=token.der, tsa_url=token.tsa_url, stamped_at=token.gen_time.isoformat())
        )
    return Seal(batch_id, token.gen_time, token.tsa_url, "")


def _seal_of(row: dict[str, Any]) -> Seal:
    if row["token"] is None:
        return Seal(row["batch_id"], None, "", "not timestamped")
    return Seal(row["batch_id"], token_time(row["token"]), row["tsa_url"], "")


def pending(ledger: Ledger) -> list[str]:
    """Batches recorded without a timestamp token, in chain order."""
    if not has_table(ledger):
        return []
    with ledger.engine.connect() as conn:
        return list(
            conn.scalars(
                select(batch_anchors.c.batch_id)
                .where(batch_anchors.c.token.is_(None))
                .order_by(batch_anchors.c.seq)
            )
        )


# -- checking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagCheck:
    problems: list[str]
    notes: list[str]  # e.g. "timestamped 2026-11-23T… by URL", "not timestamped"
    anchor: dict[str, str] | None


def check_bag_seal(bag: Path, ledger: Ledger | None, roots: Sequence[Any]) -> BagCheck:
    """The tag manifest is there and matches the anchor; the anchor matches the ledger; the token
    covers the anchor and chains to `roots` (with no roots the token is not judged, and we say so)."""
    problems: list[str] = []
    notes: list[str] = []
    tag = bag / TAG_MANIFEST
    anchor_path = bag / ANCHOR_FILE
    row = None
    if ledger is not None and has_table(ledger):
        with ledger.engine.connect() as conn:
            found = conn.execute(select(batch_anchors).where(batch_anchors.c.batch_id == bag.name)).first()
        row = found._asdict() if found is not None else None
    if not tag.is_file():
        problems.append(f"{tag}: missing (bag-info.txt and the payload manifest are then unchecked)")
    tag_sha = hashlib.sha256(tag.read_bytes()).hexdigest() if tag.is_file() else ""
    if not anchor_path.is_file():
        if row is not None:
            problems.append(f"{anchor_path}: missing (the ledger recorded an anchor for this batch)")
        else:
            notes.append("not anchored (no chain-anchor.txt: made before anchoring, or not recorded)")
        return BagCheck(problems, notes, None)
    raw = anchor_path.read_bytes()
    try:
        anchor = parse_anchor(raw)
    except ValueError as exc:
        return BagCheck([*problems, f"{anchor_path}: unreadable ({exc})"], notes, None)
    if tag_sha and anchor["tagmanifest-sha256"] != tag_sha:
        problems.append(f"{tag}: changed after the batch was sealed (SHA-256 differs from {ANCHOR_FILE})")
    if ledger is not None:
        with ledger.engine.connect() as conn:
            problems.extend(evidence_head_problems(conn, anchor, anchor_path))
    if row is not None:
        if row["anchor_sha256"] != hashlib.sha256(raw).hexdigest():
            problems.append(f"{anchor_path}: differs from the anchor recorded in the ledger")
        if tag_sha and row["tagmanifest_sha256"] != tag_sha:
            problems.append(f"{tag}: differs from the tag manifest recorded in the ledger")
    token_path = bag / TOKEN_FILE
    token = token_path.read_bytes() if token_path.is_file() else None
    if token is None and row is not None and row["token"] is not None:
        problems.append(f"{token_path}: missing (the ledger holds a timestamp token for this batch)")
        token = row["token"]
    if token is None:
        notes.append("not timestamped (`letters timestamp --pending` adds a token)")
    elif not roots:
        notes.append(
            f"timestamp token present ({token_time(token).isoformat()}) but not checked: no trust roots"
        )
    else:
        try:
            moment = verify_token(token, raw, roots)
        except TimestampError as exc:
            problems.append(f"{token_path}: {exc}")
        else:
            notes.append(f"timestamped {moment.isoformat()} (RFC 3161, TSA certificate trusted)")
    return BagCheck(problems, notes, anchor)


def tag_file_changed(bag: Path, name: str) -> str:
    """How a tag file that differs from the tag manifest is named (bagit's finding says the same)."""
    return f"{bag / name}: changed (SHA-256 differs from {TAG_MANIFEST})"


def check_tag_files(bag: Path) -> list[str]:
    """Each tag file (bag-info.txt, bagit.txt, the payload manifest …) against the tag manifest's
    SHA-256; a missing tag manifest is check_bag_seal's finding."""
    tag = bag / TAG_MANIFEST
    if not tag.is_file():
        return []
    problems: list[str] = []
    for number, line in enumerate(tag.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        digest, _sep, name = line.strip().partition(" ")
        name = name.strip().lstrip("*")
        if not line.strip():
            continue
        if len(digest) != 64 or not name:
            problems.append(f"{tag}, line {number}: not a 'sha256  path' line")
        elif Path(name).is_absolute() or ".." in Path(name).parts:
            problems.append(f"{tag}, line {number}: {name!r} is not a file inside the bag")
        elif not (bag / name).is_file():
            problems.append(f"{bag / name}: missing (listed in {TAG_MANIFEST})")
        elif hashlib.sha256((bag / name).read_bytes()).hexdigest() != digest.lower():
            problems.append(tag_file_changed(bag, name))
    return problems


def check_bag_tags(bag: Path, ledger: Ledger | None, roots: Sequence[Any]) -> BagCheck:
    """The tag files against the tag manifest, then the seal (check_bag_seal): what `verify` and
    `bundle` both require of a bag before trusting its manifests."""
    seal = check_bag_seal(bag, ledger, roots)
    return BagCheck([*check_tag_files(bag), *seal.problems], seal.notes, seal.anchor)


def check_ledger_against_bags(ledger: Ledger, bags: Sequence[Path], roots: Sequence[Any]) -> list[str]:
    """Every bag's anchored chain head against the ledger's chain, first disagreement first."""
    problems: list[str] = []
    anchored: dict[str, tuple[Path, dict[str, str]]] = {}
    for bag in bags:
        check = check_bag_seal(bag, None, roots)
        problems.extend(check.problems)
        if check.anchor is not None:
            anchored[check.anchor["batch-id"]] = (bag, check.anchor)
    with ledger.engine.connect() as conn:
        chain = [BatchRecord(**r._asdict()) for r in conn.execute(select(batches).order_by(batches.c.seq))]
        in_ledger = {record.batch_id for record in chain}
        for record in chain:
            entry = anchored.get(record.batch_id)
            if entry is None:
                continue
            bag, anchor = entry
            if anchor["chain-head"] != record.hash or anchor["previous-chain-head"] != record.prev_hash:
                problems.append(
                    f"batch {record.batch_id} (#{record.seq}): the ledger's chain head differs from the one "
                    f"sealed in {bag / ANCHOR_FILE} (the ledger was rewritten)"
                )
            problems.extend(evidence_head_problems(conn, anchor, bag / ANCHOR_FILE))
    for batch_id, (bag, anchor) in sorted(anchored.items(), key=lambda item: int(item[1][1]["batch-seq"])):
        if batch_id not in in_ledger:
            problems.append(
                f"batch {batch_id} (#{anchor['batch-seq']}): sealed in {bag} but missing from the ledger "
                "(the ledger was cut short or rewritten)"
            )
    return problems


def evidence_head_problems(conn: Connection, anchor: dict[str, str], where: Path) -> list[str]:
    """The evidence chain entry an anchor sealed is still in the ledger with the same hash: an event,
    hold or serial changed and its entries recomputed after the seal is caught here, not by the
    chain alone. Anchors made before the evidence head was sealed have none to check."""
    if "evidence-chain-seq" not in anchor:
        return []
    seq, sealed = int(anchor["evidence-chain-seq"]), anchor["evidence-chain-head"]
    if seq == 0:
        return []  # sealed while the evidence chain was empty: nothing to compare
    found = (
        conn.scalar(select(evidence_chain.c.hash).where(evidence_chain.c.seq == seq))
        if inspect(conn).has_table(evidence_chain.name)
        else None
    )
    what = f"batch {anchor['batch-id']} (#{anchor['batch-seq']})"
    if found is None:
        return [
            f"{what}: evidence chain entry #{seq}, sealed in {where}, is missing from the ledger "
            "(the evidence chain was cut short)"
        ]
    if found != sealed:
        return [
            f"{what}: evidence chain entry #{seq} differs from the head sealed in {where} "
            "(the evidence chain was rewritten: an event, tracking number, serial, hold or override "
            "was changed and its entries recomputed)"
        ]
    return []


def find_bags(folders: Sequence[Path]) -> list[Path]:
    bags: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            bags.extend(
                p
                for p in sorted(folder.iterdir())
                if (p / "bagit.txt").is_file() and not p.name.startswith(".")
            )
    return bags
