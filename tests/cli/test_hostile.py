"""Hostile input through the real command (a process, as a user runs it): exit 1 or 2, one error line.

Every case must end with exit status 1 (a problem with the data) or 2 (a usage error), an error line
on stderr that says what is wrong, and never a Python traceback: a traceback is a bug, and it may
print personal data from the accounts file to a shared terminal or log.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfWriter

from letters.evidence.ledger import Ledger
from tests.conftest import JA_ROW, SAMPLES, CsvWriter
from tests.helpers import deliberately_broken


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[Path], list[str]]  # given a scratch folder, the command line (after `letters`)
    says: str  # a piece of the error line
    env: dict[str, str] | None = None


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = dict(os.environ) | (env or {})
    environment.pop("LETTERS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "letters", *args],
        capture_output=True,
        env=environment,
        check=False,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[bytes], says: str) -> None:
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert result.returncode in (1, 2), (result.returncode, stderr)
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    if result.returncode == 1:
        assert stderr.strip().count("\n") == 0, stderr  # data problems: the error line alone
    assert says in errors[0], errors[0]


def _deep_json(folder: Path) -> list[str]:
    path = folder / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return ["validate", str(path)]


def _xlsx_with_dtd(folder: Path) -> list[str]:
    path = folder / "dtd.xlsx"
    with zipfile.ZipFile(path, "w") as xlsx:
        xlsx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&a;</Types>',
        )
        xlsx.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return ["validate", str(path)]


def _samples(name: str) -> str:
    return str(SAMPLES / name)


CASES = [
    Case("json nested 100,000 deep", _deep_json, "deep.json"),
    Case("xlsx with a DTD", _xlsx_with_dtd, "dtd.xlsx"),
    Case(
        "not a text encoding",
        lambda _: ["validate", _samples("accounts_ja.csv"), "--encoding", "rot13"],
        "rot13",
    ),
    Case(
        "unknown encoding",
        lambda _: ["validate", _samples("accounts_ja.csv"), "--encoding", "klingon"],
        "klingon",
    ),
    Case(
        "as-of far future (plan)",
        lambda _: ["plan", _samples("accounts_ja.csv"), "--as-of", "9999-12-31"],
        "9999-12-31",
    ),
    Case(
        "as-of far future (render)",
        lambda d: ["render", _samples("accounts_ja.csv"), "-o", str(d / "out"), "--as-of", "9999-12-31"],
        "9999-12-31",
    ),
    Case(
        "as-of not a date", lambda _: ["plan", _samples("accounts_ja.csv"), "--as-of", "yesterday"], "--as-of"
    ),
    Case(
        "output path with non-UTF-8 bytes",
        lambda d: [
            "render",
            _samples("accounts_ja.csv"),
            "-o",
            os.fsdecode(bytes(d / "out") + b"\xff"),
            "--as-of",
            "2026-11-23",
            "--no-archive",
        ],
        "not valid UTF-8",
    ),
    Case("missing input file", lambda d: ["validate", str(d / "nope.csv")], "nope.csv"),
    Case("a folder as input", lambda d: ["plan", str(d)], ""),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input_gives_one_line(case: Case, tmp_path: Path) -> None:
    result = run(case.args(tmp_path), case.env)
    assert_one_line_error(result, case.says)


def test_database_password_is_never_echoed() -> None:
    url = "postgresql+psycopg://collector:s3cret-pw@127.0.0.1:1/ledger"
    for args in (["history", "JA-0001", "--db", url], ["ledger", "verify", "--db", url]):
        result = run(args)
        assert_one_line_error(result, "cannot open ledger")
        assert b"s3cret-pw" not in result.stderr + result.stdout
        assert b"collector:***@127.0.0.1" in result.stderr


def _ledger(tmp_path: Path) -> Path:
    """A ledger with its tables, made by letters itself."""
    path = tmp_path / "ledger.sqlite"
    # `ledger verify` is read-only and never creates a ledger (issue 20): a writer's open does.
    Ledger(f"sqlite:///{path}").close()
    result = run(["ledger", "verify", "--db", f"sqlite:///{path}"])
    assert result.returncode == 0, result.stderr
    return path


def test_busy_ledger(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    events = tmp_path / "events.csv"
    events.write_text("tracking_number,event,date\nRR123456785JP,delivered,2026-11-25\n", encoding="utf-8")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another writer holds the ledger (WAL: readers still read)
        result = run(
            ["mail", "import", str(events), "--db", f"sqlite:///{path}"], {"LETTERS_LEDGER_BUSY_SECONDS": "1"}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line_error(result, "locked")


def test_corrupt_utf8_in_ledger(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO letters VALUES ('x', 'b', 'JA-0001', 'demand', 'ja', '2026-11-23', '', '', '', '', "
            "CAST(x'ff fe' AS TEXT), 'f.pdf')".replace("x'ff fe'", "x'fffe'")
        )
    result = run(["history", "JA-0001", "--db", f"sqlite:///{path}"])
    assert_one_line_error(result, "ledger")


def test_full_disk_for_the_ledger(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(tiny)], check=False)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small tmpfs for the disk-full case (CI runs as root)")
        pytest.skip("mounting a tmpfs needs root")
    try:
        (tiny / "filler").write_bytes(b"\0" * 12_000)
        result = run(["ledger", "verify", "--db", f"sqlite:///{tiny / 'ledger.sqlite'}"])
    finally:
        subprocess.run(["umount", str(tiny)], check=True)
    assert_one_line_error(result, "ledger")


@pytest.mark.slow
def test_encrypted_extra_pdf_for_bundle(tmp_path: Path, write_csv: CsvWriter) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    source = write_csv([JA_ROW])
    out = tmp_path / "out"
    sent = run(["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--db", db, "--silent"])
    assert sent.returncode == 0, sent.stderr
    secret = tmp_path / "secret.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("pw")
    with secret.open("wb") as handle:
        writer.write(handle)
    deliberately_broken(secret)  # encrypted on purpose: the session's Ghostscript check cannot open it
    result = run(
        [
            "bundle",
            JA_ROW["account_id"],
            str(secret),
            "-o",
            str(tmp_path / "bundle.pdf"),
            "--db",
            db,
            "--archive-dir",
            str(out / "archive"),
        ]
    )
    assert_one_line_error(result, "secret.pdf")
    assert not (tmp_path / "bundle.pdf").exists()


def test_json_case_is_built_as_described(tmp_path: Path) -> None:
    """The deep-JSON case really is 100,000 levels (so the refusal above is for the right reason)."""
    args = _deep_json(tmp_path)
    text = Path(args[1]).read_text(encoding="utf-8")
    assert text.startswith("[" * 100_000) and len(text) == 200_000
    with pytest.raises(RecursionError):
        json.loads(text)
