"""Cluster benchmark: letters/s with --cluster local:1 / local:2 against --workers 1 / 2, and the
coordinator's peak RSS as the batch grows.

Each run is its own process (a fresh coordinator, so its peak RSS is its own), on the same mixed
ja/zh/en letters as benchmarks/batch_speed.py.
Usage: python benchmarks/cluster_speed.py [--letters 2000] [--rss 1000,10000,30000]
                                          [--skip-speed] [--skip-rss] [--rss-mode local:2]
Not a test: figures depend on the machine; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_speed import PeakRss, mixed_accounts


def one_run(mode: str, count: int) -> dict[str, float]:
    """One batch in this process: ``mode`` is workers:N or local:N (a LocalCluster)."""
    from letters.batch.options import Options
    from letters.batch.pipeline import run_batch

    accounts = mixed_accounts(count)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LETTERS_STATE_DIR"] = str(Path(tmp) / "state")
        kind, number = mode.split(":")
        options = Options(
            outdir=Path(tmp) / "letters",
            as_of=date(2026, 11, 23),
            db=f"sqlite:///{Path(tmp) / 'ledger.sqlite'}",
            workers=int(number),
            cluster=mode if kind == "local" else None,
        )
        with PeakRss() as rss:
            start = time.perf_counter()
            result = run_batch(accounts, options)
            elapsed = time.perf_counter() - start
        assert not result.failed, result.failed[:3]
        assert len(result.written) == count
    return {"seconds": elapsed, "rate": count / elapsed, "main_rss_mb": rss.peak_main_kb / 1024}


def _measure(mode: str, count: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", mode, "--letters", str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--rss", default="1000,10000,30000", help="batch sizes for the coordinator's RSS")
    parser.add_argument("--rss-mode", default="local:2")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.letters)))
        return
    if not args.skip_speed:
        rates: dict[str, float] = {}
        for mode in ("workers:1", "workers:2", "local:1", "local:2"):
            figures = _measure(mode, args.letters)
            rates[mode] = figures["rate"]
            print(
                f"{mode}: {args.letters} letters in {figures['seconds']:.1f} s = {figures['rate']:.2f} "
                f"letters/s, coordinator peak RSS {figures['main_rss_mb']:.0f} MB",
                flush=True,
            )
        print(
            f"scaling 2/1: workers {rates['workers:2'] / rates['workers:1']:.2f}, "
            f"cluster {rates['local:2'] / rates['local:1']:.2f}"
        )
        for n in ("1", "2"):
            overhead = 1 - rates[f"local:{n}"] / rates[f"workers:{n}"]
            print(f"cluster overhead against the local pool, {n} worker(s): {100 * overhead:+.1f} %")
    if not args.skip_rss:
        for count in (int(c) for c in args.rss.split(",") if c):
            figures = _measure(args.rss_mode, count)
            print(
                f"{args.rss_mode}, {count} letters: coordinator peak RSS {figures['main_rss_mb']:.0f} MB "
                f"({figures['rate']:.2f} letters/s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
