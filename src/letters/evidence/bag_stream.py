"""A batch's BagIt bag, built while the batch renders: each letter's files, merged data and manifest
entry go to disk as the letter is done, so the batch process holds none of them to the end.

At the end ``finish`` writes manifest.json (the spooled entries, in batch order, byte for byte what
``json.dump(manifest, sort_keys=True, indent=1)`` writes), lets bagit move the payload under data/
and write its manifests, bag-info.txt and tag manifest, and renames the bag into place. Until then
the bag is a hidden ``.building-<pid>-…`` folder that a later run removes once its process is gone.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, BinaryIO

from letters.evidence.archive import ArchivedFile, write_manifest
from letters.faults import crash_point
from letters.files import atomic_write, atomic_write_with, private_dir, process_alive

_BUILDING = ".building-"
# The top-level key whose list is spooled: manifest.json's letters, one entry a letter.
_SPOOLED_KEY = "letters"


def remove_stale_builds(root: Path) -> None:
    """Bags a killed run left half-built (its process is gone): never reused, removed."""
    for stale in root.glob(f"{_BUILDING}*"):
        pid = stale.name.removeprefix(_BUILDING).split("-", 1)[0]
        # Never this process's: the desk may be building another batch's bag in another thread.
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


class BagBuilder:
    """One batch's bag under construction in ``root``; ``discard`` or ``finish`` it."""

    def __init__(self, root: Path) -> None:
        private_dir(root)
        remove_stale_builds(root)
        self.root = root
        self.building = root / f"{_BUILDING}{os.getpid()}-{secrets.token_hex(4)}"
        private_dir(self.building)
        # The entries as JSON, in the order letters finish; their batch order is kept beside them
        # (sequence, offset, length: 24 bytes a letter), and the file is gone when closed.
        self._spool: IO[bytes] = tempfile.TemporaryFile(dir=self.building)  # noqa: SIM115 - closed by finish/discard
        self._index = array("q")
        self.letters = 0

    def add_file(self, item: ArchivedFile) -> None:
        target = self.building / item.target
        private_dir(target.parent)
        shutil.copyfile(item.source, target)
        target.chmod(0o600)

    def add_letter(
        self, sequence: int, files: Iterable[ArchivedFile], document: tuple[str, bytes], entry: dict[str, Any]
    ) -> None:
        """A finished letter: its files and merged data (letter-data/<id>.json) copied in, its
        manifest entry spooled."""
        for item in files:
            self.add_file(item)
        name, data = document
        private_dir(self.building / "letter-data")
        atomic_write(self.building / "letter-data" / f"{name}.json", data)
        text = _entry_text(entry)
        offset = self._spool.seek(0, os.SEEK_END)
        self._spool.write(text)
        self._index.extend((sequence, offset, len(text)))
        self.letters += 1

    def discard(self) -> None:
        self._spool.close()
        shutil.rmtree(self.building, ignore_errors=True)

    def finish(self, batch_id: str, manifest: dict[str, Any], bag_info: dict[str, str]) -> Path:
        """manifest.json (``manifest`` with the spooled letters), the BagIt files, and the bag renamed
        to ``root/batch_id``, replacing an earlier bag of the same batch whole."""
        import bagit

        if _SPOOLED_KEY in manifest:
            raise ValueError(f"the manifest's {_SPOOLED_KEY!r} are the spooled entries")
        building = self.building
        try:
            atomic_write_with(
                building / "manifest.json", lambda handle: self._write_manifest(manifest, handle)
            )
            self._spool.close()
            bagit.make_bag(str(building), bag_info=bag_info, checksums=["sha256"])
            crash_point("bagged")
            for path in building.rglob("*"):
                path.chmod(0o700 if path.is_dir() else 0o600)
            final = self.root / batch_id
            if final.exists():
                # A re-run of the same batch replaces its earlier bag whole, never file by file.
                old = self.root / f"{_BUILDING}{os.getpid()}-replaced-{batch_id}"
                final.rename(old)
                building.rename(final)
                shutil.rmtree(old)
            else:
                building.rename(final)
        except BaseException:
            self.discard()
            raise
        return final

    def _write_manifest(self, manifest: dict[str, Any], handle: BinaryIO) -> None:
        """The manifest with an empty letters list, split there, the entries streamed in between."""
        import io

        head = io.BytesIO()
        write_manifest({**manifest, _SPOOLED_KEY: []}, head)
        marker = f'\n "{_SPOOLED_KEY}": []'.encode()
        before, after = head.getvalue().split(marker, 1)  # one top-level key at one space's indent
        handle.write(before + f'\n "{_SPOOLED_KEY}": '.encode())
        if not self._index:
            handle.write(b"[]")
        else:
            handle.write(b"[\n")
            order = sorted(range(len(self._index) // 3), key=lambda i: self._index[3 * i])
            for number, i in enumerate(order):
                self._spool.seek(self._index[3 * i + 1])
                handle.write(self._spool.read(self._index[3 * i + 2]))
                handle.write(b",\n" if number < len(order) - 1 else b"\n")
            handle.write(b" ]")
        handle.write(after)


def _entry_text(entry: dict[str, Any]) -> bytes:
    """An entry as json.dump(indent=1) writes it as an item of a top-level list: two spaces deeper."""
    text = json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False)
    return "\n".join("  " + line for line in text.split("\n")).encode("utf-8")
