"""Files the desk may hand out → opaque handles; only files inside the output and archive folders.

A link carries a random handle, never a path or an account id: nothing personal in URLs or logs,
and no path for a request to tamper with.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from letters.errors import LettersError


class NotServableError(LettersError):
    """A file outside the desk's output and archive folders (or not a regular file)."""


def servable(path: Path, roots: tuple[Path, ...]) -> Path:
    """The file's real path when it lies inside one of the roots (symlinks resolved), else refuse."""
    real = path.resolve()
    for root in roots:
        if real.is_relative_to(root.resolve()) and real.is_file():
            return real
    raise NotServableError(f"{path.name}: not a file in the desk's output or archive folders")


class Downloads:
    """Handle → file, for this process's life."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        self.roots = roots
        self._files: dict[str, Path] = {}
        self._lock = threading.Lock()

    def offer(self, path: Path) -> str:
        real = servable(path, self.roots)
        with self._lock:
            for handle, known in self._files.items():
                if known == real:
                    return handle
            handle = secrets.token_urlsafe(18)
            self._files[handle] = real
            return handle

    def get(self, handle: str) -> Path:
        with self._lock:
            path = self._files.get(handle)
        if path is None:
            raise NotServableError("no such download")
        return servable(path, self.roots)  # checked again: the folder may have changed since
