"""Evidence archive: bag + manifest + ledger verify, tamper detection, kill -9 re-runs, PDF/A-3b."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from letters.evidence.archive import verify_archive
from letters.evidence.ledger import Ledger
from tests.batch_helpers import accounts_file, label_pool, recorded_letters, run_cli
from tests.conftest import CsvWriter
from tests.helpers import deliberately_broken

pytestmark = pytest.mark.slow


def render_args(source: Path, out: Path, db: str) -> list[str]:
    return [
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
        "--silent",
        "--workers",  # 1: the kill points between letters are then in the CLI's own process
        "1",
    ]


@pytest.fixture
def batch(tmp_path: Path, write_csv: CsvWriter) -> tuple[Path, str]:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    result = run_cli(render_args(accounts_file(write_csv), out, db))
    assert result.returncode == 0, result.stderr
    (bag,) = [p for p in (out / "archive").iterdir() if not p.name.startswith(".")]
    return bag, db


def test_bag_layout_manifest_and_ledger_verify(batch: tuple[Path, str]) -> None:
    bag, db = batch
    for name in (
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "data/manifest.json",
    ):
        assert (bag / name).is_file(), name
    import json

    manifest = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == "letters.manifest/1"
    assert len(manifest["letters"]) == 4
    first = manifest["letters"][0]
    for key in (
        "letter_id",
        "account_id",
        "kind",
        "lang",
        "template",
        "letterheads",
        "data_sha256",
        "files",
        "qr_payload",
        "created",
    ):
        assert key in first, key
    assert {"letters", "weasyprint", "python-docx", "fonts"} <= set(manifest["batch"]["tools"])
    from importlib.metadata import version

    # the calendars that count business days and the US validation period, with their versions
    assert manifest["batch"]["tools"]["calendars"] == {
        name: version(name) for name in ("holidays", "jpholiday", "chinese-calendar")
    }
    assert len(manifest["batch"]["input"]["sha256"]) == 64
    assert stat.S_IMODE((bag / "data" / "manifest.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(bag.stat().st_mode) == 0o700
    assert verify_archive(bag, Ledger(db)) == []
    result = run_cli(["verify", str(bag), "--db", db])
    assert result.returncode == 0, result.stderr


def _letter_pdf(bag: Path) -> Path:
    return sorted((bag / "data" / "letters").glob("*.pdf"))[0]


def test_one_changed_byte_is_named(batch: tuple[Path, str]) -> None:
    bag, db = batch
    target = _letter_pdf(bag)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    deliberately_broken(target).write_bytes(bytes(data))
    result = run_cli(["verify", str(bag), "--db", db])
    assert result.returncode == 1
    assert f"{target}: changed (SHA-256 differs from the bag manifest)" in result.stderr


def test_deleted_file_is_named(batch: tuple[Path, str]) -> None:
    bag, db = batch
    target = _letter_pdf(bag)
    target.unlink()
    result = run_cli(["verify", str(bag), "--db", db])
    assert result.returncode == 1
    assert f"{target}: missing" in result.stderr


def test_extra_file_is_named(batch: tuple[Path, str]) -> None:
    bag, db = batch
    extra = bag / "data" / "letters" / "smuggled.pdf"
    deliberately_broken(extra).write_bytes(b"%PDF-1.7\n")
    result = run_cli(["verify", str(bag), "--db", db])
    assert result.returncode == 1
    assert f"{extra}: not in the bag manifest (added after archiving)" in result.stderr


def test_edited_ledger_row_is_named(batch: tuple[Path, str]) -> None:
    bag, db = batch
    ledger = Ledger(db)
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE letters SET kind = 'reminder' WHERE letter_id LIKE '%JA-0002'"))
    ledger.close()
    result = run_cli(["ledger", "verify", "--db", db])
    assert result.returncode == 1
    assert result.stderr.startswith("first broken link: batch ")
    assert "letter rows was changed" in result.stderr
    assert run_cli(["verify", str(bag), "--db", db]).returncode == 1


@pytest.mark.parametrize("point", ["letter:1", "letter:3", "combined", "bagged", "archived"])
def test_kill_9_then_rerun_gives_each_letter_once(tmp_path: Path, write_csv: CsvWriter, point: str) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    source = accounts_file(write_csv)
    killed = run_cli(render_args(source, out, db), {"LETTERS_TEST_KILL_AT": point})
    assert killed.returncode == -9, (killed.returncode, killed.stderr)
    rerun = run_cli(render_args(source, out, db))
    assert rerun.returncode == 0, rerun.stderr
    pdfs = sorted(p.name for p in out.glob("0*.pdf"))
    assert len(pdfs) == 4, pdfs  # no letter twice, none missing
    assert not list(out.glob(".*.part")), "a half-written file survived"
    bags = [p for p in (out / "archive").iterdir()]
    assert len(bags) == 1 and not bags[0].name.startswith("."), [b.name for b in bags]
    ledger = Ledger(db)
    with ledger.engine.connect() as conn:
        ids = [row[0] for row in conn.execute(text("SELECT letter_id FROM letters"))]
        batches = conn.execute(text("SELECT count(*) FROM batches")).scalar()
    assert len(ids) == len(set(ids)) == 4
    assert batches == 1
    assert verify_archive(bags[0], ledger) == []
    ledger.close()
    # A third run sends nothing again: every letter is already in the ledger.
    third = run_cli(render_args(source, out, db))
    assert third.returncode == 0
    assert third.stderr.count("already sent") == 4


def test_unwritable_letter_stops_the_batch_in_one_line_and_a_rerun_finishes_it(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    source = accounts_file(write_csv)
    # The third letter's file cannot be written (a folder is in its place): an OSError in a worker,
    # as a full disk gives. Every letter after it would fail the same way, so the batch stops.
    blocker = out / "00003_zh_demand_ZH-0001.pdf"
    blocker.mkdir(parents=True)
    args = [*render_args(source, out, db)[:-1], "2"]  # --workers 2: the error comes from a worker
    stopped = run_cli(args)
    assert stopped.returncode == 1
    assert "Traceback" not in stopped.stderr
    (line,) = stopped.stderr.strip().splitlines()
    assert line.startswith(f"Error: cannot write {blocker}: Is a directory. The batch stopped"), line
    assert not list(out.glob(".*.part")), "a half-written file survived"
    assert not (out / "archive").exists() or not any((out / "archive").iterdir())
    blocker.rmdir()
    rerun = run_cli(args)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(out.glob("0*.pdf"))) == 4
    assert len(recorded_letters(db)) == 4
    ledger = Ledger(db)
    assert verify_archive(next((out / "archive").iterdir()), ledger) == []
    ledger.close()


def test_pdfa_is_reproducible_with_source_date_epoch(tmp_path: Path, write_csv: CsvWriter) -> None:
    source = accounts_file(write_csv)
    outputs = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        db = f"sqlite:///{tmp_path / f'ledger{n}.sqlite'}"
        result = run_cli([*render_args(source, out, db), "--pdfa"], {"SOURCE_DATE_EPOCH": "1795000000"})
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("0*.pdf"))})
    assert outputs[0] == outputs[1]
    name, data = next(iter(outputs[0].items()))
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    reader = PdfReader(path)
    assert "letter-data.json" in reader.attachments
    attached = reader.attachments["letter-data.json"][0]
    assert b'"schema":"letters.letter-data/1"' in attached
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfaid:part(>|=")3', xmp), xmp[:400]
    assert re.search(rb'pdfaid:conformance(>|=")B', xmp)
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    assert name.endswith(".pdf")


def test_a_whole_batch_is_reproducible_with_source_date_epoch(tmp_path: Path, write_csv: CsvWriter) -> None:
    source = accounts_file(write_csv)
    outputs = []
    for n in range(2):
        out = tmp_path / f"out{n}"
        db = f"sqlite:///{tmp_path / f'ledger{n}.sqlite'}"
        args = [*render_args(source, out, db), "--tracking-pool", str(label_pool(tmp_path))]
        result = run_cli(args, {"SOURCE_DATE_EPOCH": "1795000000"})
        assert result.returncode == 0, result.stderr
        outputs.append(
            {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        )
    names = set(outputs[0])
    assert any(name.startswith("mailing_") and name.endswith(".pdf") for name in names), names
    assert any(name.endswith("manifest-sha256.txt") for name in names), names
    assert set(outputs[1]) == names
    differing = sorted(name for name in names if outputs[0][name] != outputs[1][name])
    assert differing == []  # letters, print file, mailing lists, manifest and bag, byte for byte
