"""--cluster: a batch rendered on Dask workers (a LocalCluster of 2 processes), files written here,
every letter exactly once even when a worker is killed mid-batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from letters.batch.cluster import check_files, parse_cluster, tree_digest
from letters.errors import ConfigError, SetupError
from tests.batch_helpers import accounts_file, label_pool, recorded_letters, run_cli
from tests.conftest import CsvWriter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("local:2", ("local", 2)), ("tcp://10.0.0.5:8786", ("tcp://10.0.0.5:8786", 0))],
)
def test_cluster_addresses_are_parsed(value: str, parsed: tuple[str, int]) -> None:
    assert parse_cluster(value) == parsed


@pytest.mark.parametrize("value", ["local:0", "local:x", "10.0.0.5:8786", "tcp://host", "http://h:1"])
def test_a_bad_cluster_address_is_one_clear_error(value: str) -> None:
    with pytest.raises(ConfigError, match="--cluster"):
        parse_cluster(value)


def test_a_worker_with_other_templates_refuses_the_batch(tmp_path: Path) -> None:
    templates, letterheads = tmp_path / "templates", tmp_path / "letterheads"
    templates.mkdir()
    letterheads.mkdir()
    (templates / "a.html").write_text("coordinator's", encoding="utf-8")
    expected = tree_digest(templates, letterheads)
    check_files(templates, letterheads, expected)  # the same files: accepted
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.html").write_text("an older version", encoding="utf-8")
    with pytest.raises(SetupError, match="differ from the coordinator's"):
        check_files(other, letterheads, expected)


def test_a_local_cluster_starts_beside_the_batch_and_its_failure_stops_the_batch_at_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from letters.batch.cluster import ClusterPool

    release = threading.Event()
    started: list[str] = []

    def connect(self: ClusterPool) -> None:
        started.append(threading.current_thread().name)
        release.wait(10)
        raise SetupError("--cluster local:2: no worker started")

    monkeypatch.setattr(ClusterPool, "_connect", connect)
    pool = ClusterPool("local", 2)
    pool.start()  # returns while the cluster is still starting: the batch plans meanwhile
    assert not release.is_set()
    release.set()
    with pytest.raises(SetupError, match="no worker started"):
        _ = pool.client
    assert started == ["letters-cluster-start"]
    pool.close()  # nothing to close, nothing raised a second time

    # Closed before it was ever used (the batch stopped while planning): close waits for the start
    # and does not raise its error over the batch's own.
    release.clear()
    pool = ClusterPool("local", 2)
    pool.start()
    release.set()
    pool.close()
    assert started == ["letters-cluster-start", "letters-cluster-start"]


def _pid(_: object) -> int:
    import os

    return os.getpid()


def test_print_files_and_mailing_lists_are_written_by_a_helper_process_not_the_coordinator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """qpdf's merge of a print part left the coordinator's heap ~6 MB higher part after part."""
    import os

    from letters.batch.cluster import ClusterPool

    monkeypatch.setattr(ClusterPool, "_connect", lambda self: None)  # no cluster needed for this
    pool = ClusterPool("local", 1)
    pool.start()
    try:
        helper = pool.call(_pid, None)
        assert helper != os.getpid()
        assert pool.call(_pid, None) == helper  # one helper for the batch, not one per call
    finally:
        pool.close()
    with pytest.raises(ProcessLookupError):  # gone with the pool
        os.kill(helper, 0)


def _render(source: Path, out: Path, db: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    args = ["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--letter", "demand"]
    result = run_cli([*args, "--db", db, "--silent", "--cluster", "local:2"], env)
    return result.returncode, result.stderr


def _check_batch(out: Path, db: str) -> None:
    _check_batch_pdfs(out)
    assert len(recorded_letters(db)) == 4
    (bag,) = (out / "archive").iterdir()
    verified = run_cli(["verify", str(bag), "--db", db])
    assert verified.returncode == 0, verified.stderr
    assert "verified" in verified.stdout


def _check_batch_pdfs(out: Path) -> None:
    """Each letter once, each PDF the letter it is named for, no .part file left."""
    pdfs = sorted(out.glob("0*.pdf"))
    assert [p.name.split("_")[-1] for p in pdfs] == [
        "JA-0001.pdf",
        "JA-0002.pdf",
        "ZH-0001.pdf",
        "EN-0001.pdf",
    ]
    for pdf in pdfs:
        reader = PdfReader(pdf)
        assert len(reader.pages) == 1
        assert pdf.stem.split("_")[-1] in reader.pages[0].extract_text()
    assert not list(out.rglob("*.part"))


@pytest.mark.slow
def test_a_batch_on_a_local_cluster(tmp_path: Path, write_csv: CsvWriter) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    code, stderr = _render(accounts_file(write_csv), out, db)
    assert code == 0, stderr
    assert "Dask dashboard: http://" in stderr
    _check_batch(out, db)


@pytest.mark.slow
def test_a_cluster_worker_killed_mid_batch_costs_no_letter_and_doubles_none(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    # The Dask worker rendering JA-0002 is SIGKILLed there, once; Dask runs its chunk again elsewhere.
    env = {"LETTERS_TEST_KILL_AT": "render:JA-0002", "LETTERS_TEST_KILL_ONCE": str(tmp_path / "killed")}
    code, stderr = _render(accounts_file(write_csv), out, db, env)
    assert (tmp_path / "killed").exists(), "the worker was never killed"
    assert code == 0, stderr
    _check_batch(out, db)
    # Run again: the ledger already holds every letter, so none is recorded a second time.
    code, stderr = _render(accounts_file(write_csv), out, db)
    assert code == 0, stderr
    assert len(recorded_letters(db)) == 4


@pytest.mark.slow
def test_a_letter_that_kills_every_cluster_worker_fails_alone_named(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    import json

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    # Every Dask worker that renders ZH-0001 is SIGKILLed (no _ONCE): Dask gives up on its chunk
    # (KilledWorker; after 2 deaths here instead of 4, to keep the test short), the chunk's letters
    # go again one by one, and only ZH-0001 dies again.
    env = {"LETTERS_TEST_KILL_AT": "render:ZH-0001", "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    code, stderr = _render(accounts_file(write_csv), out, db, env)
    assert code == 1, stderr
    failed = [line for line in stderr.splitlines() if line.startswith("FAILED")]
    assert failed == [
        "FAILED letter 20261123-demand-ZH-0001: its worker process died while rendering it, alone in a "
        "fresh process: killed (e.g. for lack of memory) or crashed inside a library"
    ], stderr
    pdfs = sorted(out.glob("0*.pdf"))
    assert [p.name.split("_")[-1] for p in pdfs] == ["JA-0001.pdf", "JA-0002.pdf", "EN-0001.pdf"]
    for pdf in pdfs:  # each the letter it is named for, written once
        assert pdf.stem.split("_")[-1] in PdfReader(pdf).pages[0].extract_text()
    assert not list(out.rglob("*.part"))
    assert sorted(recorded_letters(db)) == [
        "20261123-demand-EN-0001",
        "20261123-demand-JA-0001",
        "20261123-demand-JA-0002",
    ]
    (bag,) = (out / "archive").iterdir()
    manifest = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["account_id"] for entry in manifest["letters"]] == ["JA-0001", "JA-0002", "EN-0001"]
    verified = run_cli(["verify", str(bag), "--db", db])
    assert verified.returncode == 0, verified.stderr


@pytest.mark.slow
def test_a_file_in_parts_goes_through_the_same_cluster_workers(tmp_path: Path, write_csv: CsvWriter) -> None:
    import re

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    args = ["render", str(accounts_file(write_csv)), "-o", str(out), "--as-of", "2026-11-23"]
    args += ["--letter", "demand", "--db", db, "--cluster", "local:2", "--part-size", "2"]
    result = run_cli(args)
    assert result.returncode == 0, result.stderr
    # One cluster for both parts (one dashboard line); each part renders with its own batch fonts.
    assert result.stderr.count("Dask dashboard: http://") == 1
    assert "part 1 of 2: 2 written" in result.stdout and "part 2 of 2: 2 written" in result.stdout
    _check_batch_pdfs(out)
    assert len(recorded_letters(db)) == 4
    bags = sorted((out / "archive").iterdir())
    assert len(bags) == 2
    for bag in bags:
        verified = run_cli(["verify", str(bag), "--db", db])
        assert verified.returncode == 0, verified.stderr
    assert len(re.findall(r"^ledger: batch ", result.stdout, flags=re.M)) == 2


# --- two coordinators, one PostgreSQL ledger ------------------------------------------------------


def _tracking_numbers(out: Path) -> list[str]:
    import csv

    numbers: list[str] = []
    for listing in out.glob("mailing_*.csv"):
        with listing.open(encoding="utf-8-sig", newline="") as handle:
            numbers += [row["tracking_number"] for row in csv.DictReader(handle) if row["letter_id"]]
    return numbers


@pytest.mark.slow
def test_two_coordinators_on_one_postgresql_ledger_share_no_tracking_number(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import EN_ROW, JA_ROW, ZH_ROW

    url = os.environ.get("LETTERS_TEST_PG_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must test two coordinators against PostgreSQL: LETTERS_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set LETTERS_TEST_PG_URL)")
    from letters.evidence.ledger import Ledger
    from tests.conftest import reset_postgresql

    reset_postgresql(url)
    Ledger(url).close()  # the tables exist before both start (see the report on creating them)
    runs = []
    for tag in ("A", "B"):
        rows = [
            r | {"account_id": f"{r['account_id']}-{tag}{i}"}
            for i in range(3)
            # a US business: a collector's first letter to a US consumer would be the validation notice
            for r in (
                JA_ROW,
                ZH_ROW,
                EN_ROW | {"debtor_type": "organisation", "debtor_name": "Doe LLC", "gender": ""},
            )
        ]
        source = write_csv(rows, name=f"{tag}.csv")  # two files: each coordinator its own accounts
        out = tmp_path / tag
        args = ["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--letter", "demand"]
        # One label file for both: the carrier follows each sender, so a mixed batch draws from a pool.
        args += ["--db", url, "--silent", "--workers", "1", "--tracking-pool", str(label_pool(tmp_path))]
        runs.append(
            (
                out,
                subprocess.Popen([sys.executable, "-m", "letters", *args], stderr=subprocess.PIPE, text=True),
            )
        )
    finished = 0
    seen: list[str] = []
    for out, process in runs:
        _, stderr = process.communicate(timeout=120)
        if process.returncode == 0:
            finished += 1
            seen += _tracking_numbers(out)
        else:  # the other way allowed: a clean one-line refusal, nothing half-recorded
            assert process.returncode == 1, stderr
            assert stderr.strip().startswith("Error:") and "Traceback" not in stderr, stderr
    assert finished >= 1
    assert len(seen) == 9 * finished
    assert len(set(seen)) == len(seen), "two coordinators handed out the same tracking number"
    verified = run_cli(["ledger", "verify", "--db", url])
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout


# --- the coordinator's memory: Dask's debug logs kept short ----------------------------------------


def _echo(task: tuple[Any, ...]) -> list[str]:
    (padding, chunk) = task
    return [f"{item}{padding[:0]}" for item in chunk]


@pytest.mark.slow
def test_dasks_message_logs_hold_a_few_messages_not_a_batchs_letters() -> None:
    """Dask logs each connection's last 1,000 messages by default; a message to a worker carries a
    chunk's letters, so the coordinator held a batch's worth of letters (~14 MB per 1,000) until
    the log filled. Here 40 chunks of 20 KB each go through: the logs keep DEBUG_LOG_LENGTH."""
    from letters.batch.cluster import DEBUG_LOG_LENGTH, ClusterPool
    from letters.batch.workers import CHUNK

    items = [f"letter-{i:04d}-" + "x" * 20_000 for i in range(40 * CHUNK)]
    with ClusterPool("local", 1) as pool:
        results = [r for _, chunk in pool.run(_echo, ("",), items, lambda item: []) for r in chunk]
        assert sorted(results) == sorted(items)  # every item through once
        scheduler = pool._cluster.scheduler
        streams = [pool.client.scheduler_comm, *scheduler.stream_comms.values()]
        # More messages went than the log keeps, so a longer log would hold more than it does.
        assert all(stream.batch_count > DEBUG_LOG_LENGTH for stream in streams)
        assert all(len(stream.recent_message_log) <= DEBUG_LOG_LENGTH for stream in streams)
        assert scheduler.transition_log.maxlen == DEBUG_LOG_LENGTH
