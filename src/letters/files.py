"""Write output files atomically and privately: temp file, fsync, rename; 0600 files, 0700 folders."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from letters.errors import LettersError, OutputError


def private_dir(path: Path) -> Path:
    """Create a folder (and parents) readable by its owner only; letters hold personal data."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old file or the whole new one, never half."""
    atomic_write_with(path, lambda handle: handle.write(data))


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Like atomic_write, for a writer that streams into the file (a merged print PDF) rather than
    building all its bytes in memory first."""
    folder = path.parent
    try:
        # The writer's pid is in the name: another run cleaning the folder keeps a live writer's file.
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the directory entry itself is on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def inside(folder: Path, name: str) -> Path:
    """``folder/name``, refusing any name that would land outside ``folder``."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise LettersError(f"refusing to write {name!r}: it would land outside {folder}")
    return target


def part_writer(temp: Path) -> int | None:
    """The pid that wrote a ``.part`` temp file (``.<name>.<pid>.<random>.part``); None: unknown."""
    pieces = temp.name.removesuffix(".part").rsplit(".", 2)
    return int(pieces[1]) if len(pieces) == 3 and pieces[1].isdigit() else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
