"""Worker processes that die (out-of-memory killer, a crash in a C library) cost a batch no letter
and never hang it: the pool itself, then the CLI end to end."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from letters.batch.workers import CHUNK, MAX_DEATHS, WorkerPool
from letters.errors import RenderError
from tests.batch_helpers import accounts_file, recorded_letters, run_cli
from tests.conftest import CsvWriter

# --- the pool, with plain functions (module level: the workers find them by name) ---------------


def _squares(task: tuple[int, list[int]]) -> list[tuple[int, int]]:
    _, chunk = task
    return [(x, x * x) for x in chunk]


def _die_on(task: tuple[int | None, str, list[int]]) -> list[tuple[int, int]]:
    """Squares, but the worker is SIGKILLed on ``bad`` (None: on any item); with ``once`` naming a
    file, only the first time (the file records it)."""
    bad, once, chunk = task
    for x in chunk:
        if bad is None or x == bad:
            if once:
                try:
                    os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    continue
            os.kill(os.getpid(), signal.SIGKILL)
    return [(x, x * x) for x in chunk]


def _crashed(item: int) -> list[tuple[int, int]]:
    return [(item, -1)]


def _results(pool: WorkerPool, func: object, fixed: tuple[object, ...], items: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for index, chunk_result in pool.run(func, fixed, items, _crashed):  # type: ignore[arg-type]
        assert chunk_result[0][0] == items[index]  # the index is that of the chunk's first item
        for item, value in chunk_result:
            assert item not in found, f"{item} came back twice"
            found[item] = value
    return found


ITEMS = list(range(5 * CHUNK + 3))  # six chunks, the last one short


def test_every_item_comes_back_once_from_two_workers() -> None:
    with WorkerPool(2) as pool:
        assert _results(pool, _squares, (0,), ITEMS) == {x: x * x for x in ITEMS}
        assert pool.deaths == 0


def test_without_workers_the_same_results_come_from_this_process() -> None:
    with WorkerPool(0) as pool:
        assert _results(pool, _squares, (0,), ITEMS) == {x: x * x for x in ITEMS}


def test_a_worker_killed_once_loses_nothing(tmp_path: Path) -> None:
    with WorkerPool(2) as pool:
        found = _results(pool, _die_on, (40, str(tmp_path / "died")), ITEMS)
        assert found == {x: x * x for x in ITEMS}
        assert pool.deaths == 1


def test_an_item_that_always_kills_its_worker_fails_alone() -> None:
    with WorkerPool(2) as pool:
        found = _results(pool, _die_on, (40, ""), ITEMS)
        assert found == {x: (-1 if x == 40 else x * x) for x in ITEMS}
        assert pool.deaths == 2  # once with its chunk, once alone


def test_workers_that_keep_dying_stop_the_batch() -> None:
    with WorkerPool(2) as pool, pytest.raises(RenderError, match=f"died {MAX_DEATHS + 1} times"):
        _results(pool, _die_on, (None, ""), ITEMS)


def _die_in_call(arguments: tuple[str, int]) -> int:
    once, value = arguments
    _die_on((value, once, [value]))
    return value + 1


def test_call_is_tried_again_in_a_fresh_worker(tmp_path: Path) -> None:
    with WorkerPool(1) as pool:
        assert pool.call(_die_in_call, (str(tmp_path / "died"), 7)) == 8
        assert pool.deaths == 1
        with pytest.raises(RenderError, match="_die_in_call died twice"):
            pool.call(_die_in_call, ("", 7))


# --- the CLI: a batch whose worker dies -----------------------------------------------------------

pytestmark_slow = pytest.mark.slow


def _render(source: Path, out: Path, db: str, env: dict[str, str]) -> tuple[int, str]:
    args = ["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--letter", "demand"]
    result = run_cli([*args, "--db", db, "--silent", "--workers", "2"], env)
    return result.returncode, result.stderr


@pytestmark_slow
@pytest.mark.parametrize("point", ["prepare:ZH-0001", "render:JA-0002"])
def test_batch_survives_a_worker_killed_once(tmp_path: Path, write_csv: CsvWriter, point: str) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    env = {"LETTERS_TEST_KILL_AT": point, "LETTERS_TEST_KILL_ONCE": str(tmp_path / "killed")}
    code, stderr = _render(accounts_file(write_csv), out, db, env)
    assert (tmp_path / "killed").exists(), "the fault point was never reached"
    assert code == 0, stderr
    assert "worker process died 1 time(s)" in stderr
    assert len(list(out.glob("0*.pdf"))) == 4
    assert not list(out.glob(".*.part"))
    assert len(recorded_letters(db)) == 4


@pytestmark_slow
def test_letter_that_kills_every_worker_fails_alone_and_a_rerun_sends_it(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    source = accounts_file(write_csv)
    code, stderr = _render(source, out, db, {"LETTERS_TEST_KILL_AT": "render:JA-0002"})
    assert code == 1
    assert "FAILED letter 20261123-demand-JA-0002: its worker process died while rendering it" in stderr
    assert sorted(p.name.split("_")[-1] for p in out.glob("0*.pdf")) == [
        "EN-0001.pdf",
        "JA-0001.pdf",
        "ZH-0001.pdf",
    ]
    assert not list(out.glob(".*.part")), "a half-written file survived"
    (bag,) = (out / "archive").iterdir()
    manifest = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["account_id"] for entry in manifest["letters"]) == ["EN-0001", "JA-0001", "ZH-0001"]
    assert "JA-0002" not in " ".join(recorded_letters(db))
    # The crash was the letter's, not the machine's: without it, a re-run sends that letter only.
    code, stderr = _render(source, out, db, {})
    assert code == 0, stderr
    assert len(recorded_letters(db)) == 4
    assert len(list(out.glob("0*_JA-0002.pdf"))) == 1


@pytestmark_slow
def test_letters_back_from_the_workers_share_this_process_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory: a letter comes back from the first round as this process's own object, not as the
    worker's copy (each chunk's copy carries its own letterhead
    and plan objects, ~5 KB a letter held to the end of the batch)."""
    from datetime import date

    from letters.batch.options import Options
    from letters.batch.pipeline import run_batch
    from letters.intake.validate import load_accounts

    accounts = load_accounts(
        str(Path(__file__).parent.parent.parent / "samples" / "accounts_ja.csv")
    ).accounts
    assert len(accounts) > CHUNK  # letters in two chunks: two workers' copies, without the fix
    options = Options(
        outdir=tmp_path / "out",
        as_of=date(2026, 11, 23),
        db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        workers=2,
        archive=False,
        combined=False,
        letter_kind="reminder",
    )
    monkeypatch.setenv("LETTERS_STATE_DIR", str(tmp_path / "state"))
    result = run_batch(accounts, options)
    assert not result.failed and len(result.written) == len(accounts)
    senders = {id(item.letter.sender) for item in result.written}
    assert len(senders) == len({item.letter.sender.id for item in result.written})
    # Nor is the QR image kept here (~1.3 KB a letter): the worker makes it again from the payload
    # when it renders, and only the payload and the data's digest stay.
    assert all(not item.letter.qr and item.letter.id in item.qr_payload for item in result.written)
    assert all(item.data_sha256 in item.qr_payload for item in result.written)


# --- how many workers by default ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu_max", "limit"),
    [
        ("max 100000\n", None),
        ("200000 100000\n", 2),
        ("150000 100000\n", 2),
        ("50000 100000\n", 1),
        (None, None),
    ],
)
def test_default_workers_follow_affinity_and_a_container_cpu_quota(
    tmp_path: Path, cpu_max: str | None, limit: int | None
) -> None:
    from letters.batch.options import available_cores

    if cpu_max is not None:
        (tmp_path / "cpu.max").write_text(cpu_max, encoding="ascii")
    affinity = len(os.sched_getaffinity(0))
    expected = affinity if limit is None else min(affinity, limit)
    assert available_cores(tmp_path) == expected


# --- the batch process killed: its workers go with it ---------------------------------------------


def _children(pid: int) -> set[int]:
    """Processes forked by any thread of ``pid`` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the thread ended while we looked
            found.update(int(child) for child in task.read_text().split())
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie: an orphan's zombie waits for a reaper that a container may not have."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_exit_when_the_batch_process_is_killed(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from tests.conftest import JA_ROW, csv_text

    source = tmp_path / "many.csv"
    source.write_text(csv_text([JA_ROW | {"account_id": f"JA-{i:03d}"} for i in range(4 * CHUNK)]))
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    args = ["render", str(source), "-o", str(tmp_path / "out"), "--as-of", "2026-11-23", "--letter", "demand"]
    batch = subprocess.Popen(
        [sys.executable, "-m", "letters", *args, "--db", db, "--workers", "2", "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and batch.poll() is None and time.monotonic() < deadline:
            workers = _children(batch.pid)
            time.sleep(0.05)
        assert len(workers) == 2, f"the batch never had its two workers (exit status {batch.poll()})"
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if _alive(pid)] == [], "workers outlived the batch process"
    finally:
        batch.kill()
        batch.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)  # our own orphans, if the test failed


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_a_letter_past_the_time_limit_fails_alone_named(tmp_path: Path, workers: int) -> None:
    from letters.batch.options import Options
    from letters.batch.pipeline import run_batch
    from tests.helpers import make_account

    accounts = [make_account("ja", account_id=f"JA-{i}") for i in range(2)]
    options = Options(
        outdir=tmp_path / "out", letter_kind="demand", workers=workers, archive=False, letter_timeout=0.001
    )
    result = run_batch(accounts, options)
    assert result.written == []
    assert sorted(f.account_id for f in result.failed) == ["JA-0", "JA-1"]
    for failed in result.failed:
        assert (
            f"letter {failed.letter_id}: took longer than 0.001 s to render (--letter-timeout)"
            in failed.error
        )
    assert not list((tmp_path / "out").glob("*.pdf"))
    relaxed = run_batch(accounts, replace(options, letter_timeout=120))
    assert len(relaxed.written) == 2 and relaxed.failed == []
