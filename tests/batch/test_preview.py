"""A preview and a --no-archive render send nothing, so they record nothing and use no number."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import letters.evidence.holds  # noqa: F401  # its tables join the metadata counted below
from letters.evidence.ledger import Ledger, metadata
from tests.batch_helpers import run_cli
from tests.conftest import JA_ROW, ZH_ROW, CsvWriter
from tests.helpers import pdftotext

pytestmark = pytest.mark.slow
AS_OF = "2026-11-23"


def _files(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def _rows_per_table(db: str) -> dict[str, int]:
    ledger = Ledger(db)
    try:
        with ledger.engine.connect() as conn:
            return {
                table.name: conn.scalar(select(func.count()).select_from(table)) or 0
                for table in metadata.sorted_tables
            }
    finally:
        ledger.close()


def test_preview_leaves_no_trace_and_the_batch_still_sends_the_letter(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    accounts = write_csv([JA_ROW, ZH_ROW], name="accounts.csv")
    watched = tmp_path / "watched"  # state, temp files and working folder all live in here
    state, scratch, work = watched / "state", watched / "tmp", watched / "work"
    for folder in (state, scratch, work):
        folder.mkdir(parents=True)
    env = {"LETTERS_STATE_DIR": str(state), "TMPDIR": str(scratch)}
    previews = work / "previews"
    for args in (["--account", "JA-0001"], ["--account", "ZH-0001", "--letter", "lawyer"]):
        png = previews / f"{args[1]}.png"
        preview = ["preview", str(accounts), "-o", str(png), "--as-of", AS_OF, "--dpi", "30", *args]
        done = run_cli(preview, env, cwd=work)
        assert done.returncode == 0, done.stderr
        assert png.stat().st_size > 1000
    # Only the two PNGs: no ledger file, no bag, no letter, no leftover temp folder.
    assert _files(watched) == {Path("work/previews/JA-0001.png"), Path("work/previews/ZH-0001.png")}
    db = f"sqlite:///{state / 'ledger.sqlite'}"
    plan = run_cli(["plan", str(accounts), "--as-of", AS_OF], env)
    assert plan.returncode == 0, plan.stderr
    assert "JA-0001\tja\tdemand\t" in plan.stdout, plan.stdout
    assert "cool-down" not in plan.stdout + plan.stderr
    history = run_cli(["history", "JA-0001"], env)
    assert history.stdout.strip() == "no letters recorded for JA-0001"
    assert set(_rows_per_table(db).values()) == {0}, _rows_per_table(db)
    # The firm's first real letter of the year is its number 1: the preview took none.
    out = tmp_path / "out"
    render = ["render", str(accounts), "-o", str(out), "--as-of", AS_OF, "--letter", "lawyer", "--silent"]
    done = run_cli(render, env)
    assert done.returncode == 0, done.stderr
    (zh,) = out.glob("*_zh_lawyer_*.pdf")
    assert "（2026）沪明理律函字第0001号" in pdftotext(zh).replace(" ", "")


def test_a_no_archive_render_is_a_draft_and_uses_no_serial(tmp_path: Path, write_csv: CsvWriter) -> None:
    accounts = write_csv([JA_ROW, ZH_ROW], name="accounts.csv")
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    common = [str(accounts), "--as-of", AS_OF, "--letter", "lawyer", "--silent", "--db", db]
    draft = run_cli(["render", *common, "-o", str(tmp_path / "draft"), "--no-archive"])
    assert draft.returncode == 0, draft.stderr
    (zh_draft,) = (tmp_path / "draft").glob("*_zh_lawyer_*.pdf")
    (ja_draft,) = (tmp_path / "draft").glob("*_ja_lawyer_*.pdf")
    assert "（草稿）" in pdftotext(zh_draft).replace(" ", "")
    assert "当職整理番号：（下書き）" in pdftotext(ja_draft).replace(" ", "")
    assert not (tmp_path / "ledger.sqlite").exists()  # nothing recorded, not even an empty ledger
    sent = run_cli(["render", *common, "-o", str(tmp_path / "sent")])
    assert sent.returncode == 0, sent.stderr
    (zh_sent,) = (tmp_path / "sent").glob("*_zh_lawyer_*.pdf")
    (ja_sent,) = (tmp_path / "sent").glob("*_ja_lawyer_*.pdf")
    assert "（2026）沪明理律函字第0001号" in pdftotext(zh_sent).replace(" ", "")
    assert "-2026-0001" in pdftotext(ja_sent)
    assert _rows_per_table(db)["references"] == 2


def test_a_no_archive_render_reads_the_history_of_an_existing_ledger(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    accounts = write_csv([JA_ROW], name="accounts.csv")
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    common = [str(accounts), "--as-of", AS_OF, "--silent", "--db", db]
    assert run_cli(["render", *common, "-o", str(tmp_path / "sent")]).returncode == 0
    before = (tmp_path / "ledger.sqlite").read_bytes()
    again = run_cli(["render", *common, "-o", str(tmp_path / "again"), "--no-archive"])
    assert again.returncode == 0, again.stderr
    assert "skipped JA-0001: cool-down" in again.stderr
    assert (tmp_path / "ledger.sqlite").read_bytes() == before


def test_preview_of_a_held_account_is_marked_and_records_nothing(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    accounts = write_csv([JA_ROW], name="accounts.csv")
    env = {"LETTERS_STATE_DIR": str(tmp_path / "state")}
    db = f"sqlite:///{tmp_path / 'state' / 'ledger.sqlite'}"
    placed = run_cli(["hold", "JA-0001", "--reason", "dispute", "--note", "call of 20 Nov"], env)
    assert placed.returncode == 0, placed.stderr
    before = _rows_per_table(db)
    assert before["holds"] == 1
    png = tmp_path / "held.png"
    common = ["preview", str(accounts), "-o", str(png), "--as-of", AS_OF, "--dpi", "30"]
    # Without the option the held account has no letter to preview, and the error says how to see it.
    refused = run_cli(common, env)
    assert refused.returncode != 0
    assert "on hold: dispute hold" in refused.stderr and "--override-hold" in refused.stderr
    assert not png.exists()
    allowed = run_cli([*common, "--override-hold", "checking the wording"], env)
    assert allowed.returncode == 0, allowed.stderr
    assert png.stat().st_size > 1000
    # Nothing recorded: no override row, no letter; the hold is still in force.
    assert _rows_per_table(db) == before
    plan = run_cli(["plan", str(accounts), "--as-of", AS_OF], env)
    assert "\t-\ton hold: dispute hold" in plan.stdout, plan.stdout
    # The same draft path (a render that records nothing) prints the held-draft banner on the page.
    out = tmp_path / "draft"
    render = ["render", str(accounts), "-o", str(out), "--as-of", AS_OF, "--no-archive", "--silent"]
    done = run_cli([*render, "--override-hold", "checking the wording"], env)
    assert done.returncode == 0, done.stderr
    (pdf,) = out.glob("*.pdf")
    text = pdftotext(pdf).replace(" ", "").replace("\n", "")
    assert "保留中の口座：下書きにつき発送不可" in text and "disputeholdsince" in text
    assert _rows_per_table(db) == before
