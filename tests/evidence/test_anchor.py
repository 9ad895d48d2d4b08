"""Chain anchors in bags + RFC 3161 tokens from a local TSA: each tamper is named; a ledger never starts over."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from letters.decide.holds import Hold
from letters.evidence.chain_events import canonical, chain_head, entry_hash, evidence_chain
from letters.evidence.holds import place_hold
from letters.evidence.ledger import (
    GENESIS,
    BatchRecord,
    Ledger,
    LetterRecord,
    batch_hash,
    batches,
    letters_table,
)
from letters.evidence.state import state_dir
from tests.batch_helpers import accounts_file, run_cli
from tests.conftest import CsvWriter
from tests.helpers import deliberately_broken
from tests.tsa import Issued, make_root, make_tsa, serve_tsa, write_pem

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pki() -> tuple[Issued, Issued]:
    root = make_root("letters test root")
    return root, make_tsa(root, "letters test TSA")


@pytest.fixture(scope="module")
def tsa_url(pki: tuple[Issued, Issued]) -> Iterator[str]:
    root, tsa = pki
    with serve_tsa(tsa, root) as url:
        yield url


def write_policy(folder: Path, root: Issued, url: str) -> Path:
    write_pem(folder / "tsa-root.pem", root)
    policy = folder / "policy.toml"
    policy.write_text(
        f'[timestamps]\ntsa_urls = ["{url}"]\ntrust_roots = ["tsa-root.pem"]\ntimeout_seconds = 2\n'
    )
    return policy


def render(source: Path, out: Path, db: str, policy: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        [
            "render",
            str(source),
            "-o",
            str(out),
            "--as-of",
            "2026-11-23",
            "--letter",
            "demand",
            "--db",
            db,
            "--policy",
            str(policy),
            "--silent",
            *extra,
        ]
    )


class Batch:
    def __init__(self, bag: Path, db: str, policy: Path, root: Path, stdout: str) -> None:
        self.bag, self.db, self.policy, self.root, self.stdout = bag, db, policy, root, stdout

    def verify(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return run_cli(["verify", str(self.bag), "--db", self.db, "--policy", str(self.policy), *extra])

    def ledger_verify(self) -> subprocess.CompletedProcess[str]:
        return run_cli(
            [
                "ledger",
                "verify",
                "--db",
                self.db,
                "--archive-dir",
                str(self.bag.parent),
                "--policy",
                str(self.policy),
            ]
        )


def make_batch(tmp_path: Path, write_csv: CsvWriter, policy: Path) -> Batch:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    result = render(accounts_file(write_csv), out, db, policy)
    assert result.returncode == 0, result.stderr
    (bag,) = [p for p in (out / "archive").iterdir() if not p.name.startswith(".")]
    return Batch(bag, db, policy, tmp_path / "tsa-root.pem", result.stdout)


@pytest.fixture
def stamped(tmp_path: Path, write_csv: CsvWriter, pki: tuple[Issued, Issued], tsa_url: str) -> Batch:
    return make_batch(tmp_path, write_csv, write_policy(tmp_path, pki[0], tsa_url))


def test_a_timestamped_batch_verifies_with_letters_and_with_openssl(stamped: Batch) -> None:
    assert "timestamp: 20" in stamped.stdout
    anchor = (stamped.bag / "chain-anchor.txt").read_text()
    tag_sha = hashlib.sha256((stamped.bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    assert f"tagmanifest-sha256: {tag_sha}\n" in anchor
    assert f"previous-chain-head: {GENESIS}\n" in anchor
    ledger = Ledger(stamped.db)
    (record,) = ledger.engine.connect().execute(select(batches)).all()
    ledger.close()
    assert f"chain-head: {record.hash}\n" in anchor
    result = stamped.verify()
    assert result.returncode == 0, result.stderr
    assert "timestamped 20" in result.stdout and "TSA certificate trusted" in result.stdout
    openssl = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-token_in",
            "-in",
            str(stamped.bag / "chain-anchor.tsr"),
            "-data",
            str(stamped.bag / "chain-anchor.txt"),
            "-CAfile",
            str(stamped.root),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert openssl.returncode == 0 and "Verification: OK" in openssl.stdout, openssl.stderr
    bagit = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(stamped.bag)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bagit.returncode == 0 and "is valid" in bagit.stderr, (
        bagit.stderr
    )  # the anchor files do not upset it
    sha256sum = subprocess.run(
        ["sha256sum", "tagmanifest-sha256.txt"], cwd=stamped.bag, capture_output=True, text=True, check=True
    )
    assert sha256sum.stdout.split()[0] == tag_sha
    agreed = stamped.ledger_verify()
    assert agreed.returncode == 0, agreed.stderr
    assert agreed.stdout.splitlines()[0] == "ledger chain intact, agrees with 1 bag(s)"
    assert agreed.stdout.splitlines()[1].startswith("evidence chain intact: ")
    unchecked = run_cli(["ledger", "verify", "--db", stamped.db, "--archive-dir", str(stamped.bag.parent)])
    assert unchecked.returncode == 0, unchecked.stderr
    assert "timestamp tokens not checked: no trust roots" in unchecked.stdout


def _retag(bag: Path) -> None:
    """What an editor of bag-info.txt would do to keep bagit.py quiet: recompute the tag manifest."""
    lines = []
    for line in (bag / "tagmanifest-sha256.txt").read_text().splitlines():
        _digest, name = line.split(maxsplit=1)
        lines.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}")
    (bag / "tagmanifest-sha256.txt").write_text("\n".join(lines) + "\n")


def test_a_changed_tag_manifest_is_refused(stamped: Batch) -> None:
    info = stamped.bag / "bag-info.txt"
    info.write_text(info.read_text().replace("Contact-Name:", "Contact-Name: Mallory"))
    _retag(stamped.bag)
    result = stamped.verify()
    assert result.returncode == 1
    assert (
        f"{stamped.bag / 'tagmanifest-sha256.txt'}: changed after the batch was sealed "
        "(SHA-256 differs from chain-anchor.txt)"
    ) in result.stderr


def test_a_deleted_tag_manifest_does_not_let_bag_info_edits_pass(stamped: Batch) -> None:
    (stamped.bag / "tagmanifest-sha256.txt").unlink()
    info = stamped.bag / "bag-info.txt"
    info.write_text(info.read_text().replace("Contact-Name:", "Contact-Name: Mallory"))
    for extra in ((), ("--no-ledger",)):
        result = stamped.verify(*extra)
        assert result.returncode == 1, extra
        assert f"{stamped.bag / 'tagmanifest-sha256.txt'}: missing" in result.stderr


def test_a_forged_bag_fails_on_its_timestamp(stamped: Batch) -> None:
    """Re-render a letter, re-make every manifest and the anchor: only the TSA's token is left to say no."""
    pdf = sorted((stamped.bag / "data" / "letters").glob("*.pdf"))[0]
    forged = bytearray(pdf.read_bytes())
    forged[len(forged) // 2] ^= 0x01
    pdf.write_bytes(bytes(forged))
    deliberately_broken(pdf)  # forged on purpose: the session's PDF check skips it
    name = f"data/letters/{pdf.name}"
    manifest = stamped.bag / "manifest-sha256.txt"
    manifest.write_text(
        "".join(
            f"{hashlib.sha256(bytes(forged)).hexdigest()}  {name}\n"
            if line.endswith(f"  {name}")
            else f"{line}\n"
            for line in manifest.read_text().splitlines()
        )
    )
    _retag(stamped.bag)
    anchor = stamped.bag / "chain-anchor.txt"
    tag_sha = hashlib.sha256((stamped.bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    lines = anchor.read_text().splitlines()
    anchor.write_text(
        "\n".join(
            f"tagmanifest-sha256: {tag_sha}" if line.startswith("tagmanifest-sha256: ") else line
            for line in lines
        )
        + "\n"
    )
    result = stamped.verify("--no-ledger")
    assert result.returncode == 1
    assert "changed (SHA-256 differs from the bag manifest)" not in result.stderr  # bagit is fooled
    assert (
        f"{stamped.bag / 'chain-anchor.tsr'}: timestamp token is for other data (its imprint differs)"
        in result.stderr
    )


def _rewrite_consistently(db: str, letter_sql: str) -> None:
    """An attacker with the database: change rows, then recompute every batch hash and link."""
    ledger = Ledger(db)
    with ledger.engine.begin() as conn:
        conn.execute(text(letter_sql))
        prev = GENESIS
        for row in conn.execute(select(batches).order_by(batches.c.seq)).all():
            record = BatchRecord(**row._asdict())
            letters = [
                LetterRecord(**r._asdict())
                for r in conn.execute(
                    select(letters_table).where(letters_table.c.batch_id == record.batch_id)
                )
            ]
            digest = batch_hash(prev, dict(record.__dict__), letters)
            conn.execute(
                update(batches).where(batches.c.seq == record.seq).values(prev_hash=prev, hash=digest)
            )
            prev = digest
    ledger.close()
    (state_dir() / "chain-heads.json").unlink()  # and the state folder


def test_a_consistently_rewritten_ledger_is_caught_by_the_bags(stamped: Batch) -> None:
    _rewrite_consistently(stamped.db, "UPDATE letters SET kind = 'reminder' WHERE letter_id LIKE '%JA-0002'")
    alone = run_cli(["ledger", "verify", "--db", stamped.db])
    assert alone.returncode == 0, alone.stderr  # the chain alone cannot tell
    result = stamped.ledger_verify()
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"first broken link: batch {stamped.bag.name} (#1): the ledger's chain head"
    )
    assert "(the ledger was rewritten)" in result.stderr


def test_a_ledger_cut_short_is_caught_by_the_bags(stamped: Batch) -> None:
    ledger = Ledger(stamped.db)
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM letters"))
        conn.execute(text("DELETE FROM batches"))
    ledger.close()
    (state_dir() / "chain-heads.json").unlink()
    result = stamped.ledger_verify()
    assert result.returncode == 1
    assert (
        f"batch {stamped.bag.name} (#1): sealed in {stamped.bag} but missing from the ledger" in result.stderr
    )


def test_a_truncated_or_deleted_ledger_is_an_error_naming_what_is_missing(
    stamped: Batch, tmp_path: Path, write_csv: CsvWriter
) -> None:
    ledger = Ledger(stamped.db)
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM letters"))
        conn.execute(text("DELETE FROM batches"))
    ledger.close()
    result = run_cli(["ledger", "verify", "--db", stamped.db])
    assert result.returncode == 1
    assert (
        f"has 0 batch(es), but its chain head in {state_dir() / 'chain-heads.json'} is batch {stamped.bag.name} (#1"
        in result.stderr
    )
    assert "1 batch(es) missing" in result.stderr
    path = Path(stamped.db.removeprefix("sqlite:///"))
    path.unlink()
    for argv in (["ledger", "verify"], ["history", "JA-0001"], ["verify", str(stamped.bag)]):
        gone = run_cli([*argv, "--db", stamped.db])
        assert gone.returncode == 1, argv
        assert f"no ledger at {path}" in gone.stderr, argv
        assert not path.exists(), argv  # read-only commands never recreate it
    again = render(accounts_file(write_csv), tmp_path / "again", stamped.db, stamped.policy)
    assert again.returncode == 1
    assert "1 batch(es) missing" in again.stderr and "--new-ledger" in again.stderr
    fresh = render(accounts_file(write_csv), tmp_path / "again", stamped.db, stamped.policy, "--new-ledger")
    assert fresh.returncode == 0, fresh.stderr
    (retired,) = (state_dir() / "chain-heads-retired.jsonl").read_text().splitlines()
    assert json.loads(retired)["batch_id"] == stamped.bag.name
    assert run_cli(["ledger", "verify", "--db", stamped.db]).returncode == 0


def test_no_tsa_reachable_then_timestamp_pending(
    tmp_path: Path, write_csv: CsvWriter, pki: tuple[Issued, Issued], tsa_url: str
) -> None:
    down = make_batch(tmp_path, write_csv, write_policy(tmp_path, pki[0], "http://127.0.0.1:9/down"))
    assert "timestamp: none, batch " in down.stdout and "not timestamped (no TSA answered" in down.stdout
    assert not (down.bag / "chain-anchor.tsr").exists()
    unstamped = down.verify()
    assert unstamped.returncode == 0, unstamped.stderr
    assert "not timestamped" in unstamped.stdout
    listed = run_cli(["ledger", "verify", "--db", down.db])
    assert listed.returncode == 0, listed.stderr
    assert f"not timestamped: 1 batch(es): {down.bag.name} " in listed.stdout
    (tmp_path / "good").mkdir()
    good = write_policy(tmp_path / "good", pki[0], tsa_url)
    later = run_cli(
        [
            "timestamp",
            "--pending",
            "--db",
            down.db,
            "--archive-dir",
            str(down.bag.parent),
            "--policy",
            str(good),
        ]
    )
    assert later.returncode == 0, later.stderr
    assert later.stdout.startswith(f"batch {down.bag.name}: timestamped 20")
    assert (down.bag / "chain-anchor.tsr").is_file()
    result = run_cli(["verify", str(down.bag), "--db", down.db, "--policy", str(good)])
    assert result.returncode == 0, result.stderr
    assert "timestamped 20" in result.stdout
    nothing = run_cli(
        [
            "timestamp",
            "--pending",
            "--db",
            down.db,
            "--archive-dir",
            str(down.bag.parent),
            "--policy",
            str(good),
        ]
    )
    assert nothing.stdout.strip() == "no batches waiting for a timestamp"


def test_wal_and_shm_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
        with ledger.engine.connect() as conn:
            conn.execute(select(batches)).all()
            sidecars = [tmp_path / "l.sqlite-wal", tmp_path / "l.sqlite-shm"]
            assert all(p.exists() for p in sidecars)
            assert [stat.S_IMODE(p.stat().st_mode) for p in sidecars] == [0o600, 0o600]
        ledger.close()
    finally:
        os.umask(old)


def _rewrite_evidence_consistently(db: str, hold_id: int, note: str) -> None:
    """An attacker with the database: change a hold, then recompute the evidence chain from its entry on."""
    ledger = Ledger(db)
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE holds SET note = :note WHERE id = :id"), {"note": note, "id": hold_id})
        entries = conn.execute(select(evidence_chain).order_by(evidence_chain.c.seq)).all()
        prev = GENESIS
        for entry in entries:
            body = entry.body
            if entry.table_name == "holds" and entry.row_key == f"[{hold_id}]":
                body = canonical(json.loads(body) | {"note": note})
            digest = entry_hash(
                prev, entry.seq, entry.table_name, entry.row_key, entry.action, entry.recorded_at, body
            )
            conn.execute(
                update(evidence_chain)
                .where(evidence_chain.c.seq == entry.seq)
                .values(body=body, prev_hash=prev, hash=digest)
            )
            prev = digest
    ledger.close()


def test_an_evidence_row_changed_after_timestamping_is_caught_by_the_anchor(
    tmp_path: Path, write_csv: CsvWriter, pki: tuple[Issued, Issued], tsa_url: str
) -> None:
    """The anchor seals the evidence chain's head too: a hold changed after the batch was
    timestamped, its chain entries recomputed, passes `ledger verify` alone but not the bags."""
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    hold = place_hold(ledger, Hold("ZZ-9", "dispute", date(2026, 11, 1), None, "letter of 30 Oct", "alice"))
    with ledger.engine.connect() as conn:
        seq, head = chain_head(conn)
    ledger.close()
    stamped = make_batch(tmp_path, write_csv, write_policy(tmp_path, pki[0], tsa_url))
    anchor = (stamped.bag / "chain-anchor.txt").read_text()
    assert anchor.startswith("letters.anchor/2\n")
    assert f"evidence-chain-seq: {seq}\nevidence-chain-head: {head}\n" in anchor
    assert stamped.ledger_verify().returncode == 0
    _rewrite_evidence_consistently(stamped.db, hold, "no dispute was ever raised")
    alone = run_cli(["ledger", "verify", "--db", stamped.db])
    assert alone.returncode == 0, alone.stderr  # the evidence chain alone cannot tell
    sealed = f"evidence chain entry #{seq} differs from the head sealed in {stamped.bag / 'chain-anchor.txt'}"
    against_bags = stamped.ledger_verify()
    assert against_bags.returncode == 1
    assert f"batch {stamped.bag.name} (#1): {sealed}" in against_bags.stderr
    verified = stamped.verify()
    assert verified.returncode == 1
    assert sealed in verified.stderr
