"""The bag built while a batch renders: letters added as they finish (in any order), manifest.json
byte for byte what json.dump of the whole manifest writes, in batch order; a valid BagIt bag."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import bagit
import pytest

from letters.evidence.archive import ArchivedFile, write_manifest
from letters.evidence.bag_stream import BagBuilder, remove_stale_builds


def _entry(sequence: int) -> dict[str, Any]:
    return {
        "letter_id": f"20261123-demand-A{sequence}",
        "sequence": sequence,
        "files": [{"path": f"letters/{sequence}.txt", "sha256": "ab" * 32, "size": 3, "pages": 1}],
        "tracking_number": None,
        "account_id": f"「株式会社」{sequence}",  # not ASCII: written as it is, not escaped
        "nested": {"list": [1, [2, 3]], "empty": [], "none": {}},
    }


def _head() -> dict[str, Any]:
    return {
        "schema": "letters.manifest/1",
        "batch": {"batch_id": "b", "tools": {"letters": "1"}},
        "batch_files": [],
    }


def _bag(tmp_path: Path, order: list[int]) -> tuple[BagBuilder, Path]:
    root = tmp_path / "archive"
    bag = BagBuilder(root)
    for sequence in order:
        source = tmp_path / f"{sequence}.txt"
        source.write_bytes(f"%{sequence}".encode())
        document = json.dumps({"n": sequence}).encode()
        bag.add_letter(
            sequence,
            [ArchivedFile(source, f"letters/{sequence}.txt")],
            (f"L{sequence}", document),
            _entry(sequence),
        )
    return bag, root


@pytest.mark.parametrize("order", [[3, 1, 2], [1], []])
def test_the_streamed_manifest_is_the_whole_manifest_dumped(tmp_path: Path, order: list[int]) -> None:
    bag, root = _bag(tmp_path, order)
    final = bag.finish("20261123-abc", _head(), {"External-Identifier": "20261123-abc"})
    assert final == root / "20261123-abc"
    whole = io.BytesIO()
    write_manifest({**_head(), "letters": [_entry(s) for s in sorted(order)]}, whole)
    assert (final / "data" / "manifest.json").read_bytes() == whole.getvalue()
    assert [
        e["sequence"] for e in json.loads((final / "data" / "manifest.json").read_text())["letters"]
    ] == sorted(order)
    checked = bagit.Bag(str(final))
    checked.validate(fast=False)  # every payload file listed with its SHA-256, Payload-Oxum right
    listed = sorted(checked.payload_entries())
    assert listed == sorted(
        [f"data/letters/{s}.txt" for s in order]
        + [f"data/letter-data/L{s}.json" for s in order]
        + ["data/manifest.json"]
    )
    assert [p.name for p in root.iterdir()] == ["20261123-abc"]  # nothing half-built left beside it


def test_a_second_finish_of_the_same_batch_replaces_the_bag_whole(tmp_path: Path) -> None:
    first, root = _bag(tmp_path, [1, 2])
    first.finish("b1", _head(), {})
    second, _ = _bag(tmp_path, [1])
    final = second.finish("b1", _head(), {})
    assert sorted(p.name for p in (final / "data" / "letters").iterdir()) == ["1.txt"]
    assert [p.name for p in root.iterdir()] == ["b1"]


def test_a_discarded_bag_leaves_nothing(tmp_path: Path) -> None:
    bag, root = _bag(tmp_path, [1, 2])
    bag.discard()
    assert list(root.iterdir()) == []


def test_a_killed_runs_half_built_bag_is_removed_a_live_ones_kept(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = root / f".building-{dead.stdout.strip()}-0000"
    (stale / "letters").mkdir(parents=True)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        running = root / f".building-{live.pid}-0000"
        running.mkdir()
        remove_stale_builds(root)
        assert not stale.exists()
        assert running.exists()  # another run, still writing its bag
    finally:
        live.kill()
        live.wait()
