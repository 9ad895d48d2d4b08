"""Desk live preview, warm: time from a field-change request (POST /preview) to the PNG bytes returned.

    .venv/bin/python benchmarks/desk_preview.py [EDITS]

Runs the app in-process (Starlette's TestClient, the same ASGI app uvicorn serves), warms the
renderer with one preview, then changes the principal EDITS times (default 30) and prints the
median and p95 of the wall time per request. The issue's target is ≤ 0.5 s.
"""

from __future__ import annotations

import base64
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from starlette.testclient import TestClient

from letters.desk.app import create_app
from letters.desk.config import DeskConfig

ROOT = Path(__file__).resolve().parents[1]


def sample_desk(tmp: str) -> DeskConfig:
    """The desk both desk benchmarks serve: the Japanese samples, a ledger in ``tmp``."""
    return DeskConfig(
        accounts=(ROOT / "samples" / "accounts_ja.csv",),
        outdir=Path(tmp) / "out",
        db=f"sqlite:///{tmp}/ledger.sqlite",
        as_of=date(2026, 11, 23),
    )


def main(edits: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = sample_desk(tmp)
        with TestClient(create_app(config)) as client:
            csrf = re.findall(r'name="csrf" value="([^"]+)"', client.get("/").text)[0]
            page = client.post("/compose", data={"csrf": csrf, "account_id": "JA-1003"}).text
            values = dict(re.findall(r'<input name="(\w+)" id="f-\w+" value="([^"]*)"', page))
            values.update(csrf=csrf, kind="demand")
            client.post("/preview", data=values)  # warm: first letter's fonts and images
            times = []
            for edit in range(edits):
                values["principal"] = str(45_800 + edit * 7)
                start = time.perf_counter()
                answer = client.post("/preview", data=values)
                png = base64.b64decode(re.findall(r"base64,([^\"]+)", answer.text)[0])
                times.append(time.perf_counter() - start)
                assert png.startswith(b"\x89PNG")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"desk preview, warm, {edits} edits: median {statistics.median(times):.3f} s, p95 {p95:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
