"""One-off letter benchmark: wall time of `letters render --set … --letter demand`, start-up included.

Usage: python benchmarks/oneoff.py [--runs 5]. Prints each run and the median. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = {
    "account_id": "K-1001",
    "debtor_name": "山田 太郎",
    "principal": "120000",
    "due_date": "2026-09-30",
    "contract_number": "SK-2024-00123",
    "contract_date": "2024-04-01",
    "period_start": "2026-08-01",
    "period_end": "2026-08-31",
    "postal_code": "160-0023",
    "region": "東京都",
    "city": "新宿区",
    "address_line1": "西新宿2丁目8番1号",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    letters = Path(sys.executable).with_name("letters")
    times = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, LETTERS_STATE_DIR=str(Path(tmp) / "state"))
            argv = [str(letters), "render", "--lang", "ja", "--letter", "demand", "-o", str(Path(tmp) / "out")]
            argv += ["--as-of", "2026-11-23", "--silent"]
            for key, value in SETTINGS.items():
                argv += ["--set", f"{key}={value}"]
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            elapsed = time.perf_counter() - start
        times.append(elapsed)
        print(f"run {run + 1}: {elapsed:.2f} s")
    print(f"one-off letter (ja demand, PDF + archive + ledger): median {statistics.median(times):.2f} s wall")


if __name__ == "__main__":
    main()
