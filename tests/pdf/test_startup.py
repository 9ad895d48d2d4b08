"""Start-up and exit of the `letters` command: the main process stays light (workers load
WeasyPrint), fontconfig is asked in-process, and a fast exit still leaves nothing behind."""

from __future__ import annotations

import ctypes.util
import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from letters.pdf import fontconfig
from letters.pdf.fonts import FONT_STACKS, find_face
from letters.pdf.weasy import _find_in_linker_cache
from tests.conftest import ROOT

LETTERS = Path(sys.executable).with_name("letters")
ONE_OFF = [
    "--set", "account_id=K-1001",
    "--set", "debtor_name=山田 太郎",
    "--set", "principal=120000",
    "--set", "due_date=2026-09-30",
    "--set", "contract_number=SK-2024-00123",
    "--set", "contract_date=2024-04-01",
    "--set", "period_start=2026-08-01",
    "--set", "period_end=2026-08-31",
    "--set", "postal_code=160-0023",
    "--set", "region=東京都",
    "--set", "city=新宿区",
    "--set", "address_line1=西新宿2丁目8番1号",
]  # fmt: skip


def _run(argv: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The installed command with its own empty TMPDIR, so anything left in it is ours."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(scratch), LETTERS_STATE_DIR=str(tmp_path / "state"))
    done = subprocess.run([str(LETTERS), *argv], env=env, capture_output=True, text=True, timeout=300)
    return done, scratch


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_one_off_letter_is_written_and_nothing_is_left_behind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done, scratch = _run(
        ["render", "--lang", "ja", "--letter", "demand", "-o", str(out), "--as-of", "2026-11-23", *ONE_OFF],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "1 written, 0 failed" in done.stdout  # stdout is flushed before the fast exit
    (pdf,) = out.glob("*.pdf")
    assert "山田 太郎" in _pdf_text(pdf)
    assert list(scratch.iterdir()) == []  # no weasyprint-* font copies in the temporary folder
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no .fonts-*, no .part


def test_batch_with_workers_leaves_no_font_copies(tmp_path: Path) -> None:
    """Forked workers leave by os._exit, so WeasyPrint's own cleanup never runs in them: its copies
    of the batch fonts must live in the batch's font folder, which the main process removes."""
    out = tmp_path / "out"
    source = ROOT / "samples" / "accounts_zh.csv"
    argv = ["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--workers", "2", "--silent"]
    done, scratch = _run(argv, tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("0*.pdf"))) == 24
    assert list(scratch.iterdir()) == []
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_fast_exit_keeps_exit_codes_and_messages(tmp_path: Path) -> None:
    bad, _ = _run(["validate", str(ROOT / "samples" / "accounts_bad.csv")], tmp_path)
    assert bad.returncode == 1
    assert "problem" in bad.stderr
    usage, _ = _run(["render"], tmp_path)
    assert usage.returncode == 2
    assert "Usage:" in usage.stderr
    version, _ = _run(["--version"], tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("letters, version ")


def test_main_process_never_imports_weasyprint_for_a_batch(tmp_path: Path) -> None:
    """The workers load WeasyPrint while the main process opens the ledger and plans."""
    script = f"""
import sys
from datetime import date
from pathlib import Path
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from tests.helpers import make_account
options = Options(as_of=date(2026, 11, 23), outdir=Path({str(tmp_path / "out")!r}), workers=2)
result = run_batch([make_account("ja")], options)
assert len(result.written) == 1 and not result.failed, result.failed
print("weasyprint" in sys.modules)
"""
    env = dict(os.environ, LETTERS_STATE_DIR=str(tmp_path / "state"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("family", sorted({f for stack in FONT_STACKS.values() for f in stack}))
@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_fontconfig_in_process_agrees_with_fc_match(family: str, style: str) -> None:
    pattern = f"{family}:style={style}"
    printed = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}\n%{family}\n", pattern],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    found = fontconfig.match(pattern)
    assert found is not None
    assert [found.file, str(found.index), ",".join(found.families)] == printed


def test_find_face_asks_fontconfig_once_per_face() -> None:
    assert find_face("Noto Serif CJK JP") is find_face("Noto Serif CJK JP", bold=False)
    assert find_face("Noto Serif CJK JP", bold=True).path != find_face("Noto Serif CJK JP").path


@pytest.mark.parametrize("name", ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig"])
def test_linker_cache_lookup_agrees_with_find_library(name: str) -> None:
    found = _find_in_linker_cache(name)
    assert found is not None
    assert found == ctypes.util.find_library(name)


def test_linker_cache_lookup_misses_like_find_library() -> None:
    """WeasyPrint's Windows-style names must miss, so that its next (Linux) name is tried."""
    assert _find_in_linker_cache("gobject-2.0-0") is None
    assert ctypes.util.find_library("gobject-2.0-0") is None


def test_font_versions_read_with_harfbuzz_match_fonttools() -> None:
    from fontTools.ttLib import TTFont

    from letters.evidence.archive import font_versions

    fonts = font_versions()
    assert {entry["family"] for entry in fonts} == {f for stack in FONT_STACKS.values() for f in stack}
    for entry in fonts:
        font = TTFont(entry["file"], fontNumber=int(entry["index"]), lazy=True)
        try:
            assert entry["version"] == font["name"].getDebugName(5)
        finally:
            font.close()


def test_a_pdf_writer_is_released_with_its_last_reference() -> None:
    """Its parsed stylesheets live on the writer: a cache on the method kept every writer (and its
    FontConfiguration) alive for the life of the process."""
    from letters.pdf.writer import PdfWriter

    writer = PdfWriter(ROOT / "templates", ROOT / "letterheads")
    assert writer.stylesheets(("letter.css",)) is writer.stylesheets(("letter.css",))
    ref = weakref.ref(writer)
    del writer
    gc.collect()
    assert ref() is None


def test_a_worker_that_cannot_load_weasyprint_fails_the_batch_instead_of_hanging(tmp_path: Path) -> None:
    """A pool whose initializer raises replaces its workers for ever; the error must surface."""
    script = f"""
import sys
from datetime import date
from pathlib import Path
from letters.errors import SetupError
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from tests.helpers import make_account
sys.modules["weasyprint"] = None  # as if WeasyPrint's libraries were missing
options = Options(as_of=date(2026, 11, 23), outdir=Path({str(tmp_path / "out")!r}), workers=2)
try:
    run_batch([make_account("ja")], options)
except SetupError as exc:
    print("SetupError:", exc)
"""
    env = dict(os.environ, LETTERS_STATE_DIR=str(tmp_path / "state"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SetupError: WeasyPrint cannot be loaded")
    assert "apt-get install" in done.stdout
