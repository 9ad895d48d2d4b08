"""A large file's accounts kept on disk, not in memory: the batch process holds only their offsets.

An account read from a file costs ~2 KB of Python objects (and ~4 KB of the process's memory once
the rows it came from are freed): 30,000 accounts are ~120 MB before the first letter, a million
~4 GB. Past ``SPOOL_OVER`` accounts they go, pickled, into an unnamed temporary file (created
unlinked: owner-only, gone with the process however it ends, never a file of personal data left
behind), and are read back a part at a time as the batch asks for them (issue #22).
"""

from __future__ import annotations

import pickle
import tempfile
import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, overload

if TYPE_CHECKING:
    from letters.intake.accounts import Account

# Up to this many accounts stay in memory (every one-off letter, the desk, most mornings' files).
SPOOL_OVER = 2000
# Accounts read back per read of the file when iterating.
_READ_AHEAD = 256


class AccountSpool(Sequence["Account"]):
    """Accounts in the order appended; in memory up to ``keep`` of them, then all in a temp file."""

    def __init__(self, keep: int | None = None) -> None:
        self._keep = SPOOL_OVER if keep is None else keep
        self._memory: list[Account] = []
        self._file: IO[bytes] | None = None
        self._offsets = array("Q")  # where each account starts in the file; one past the last at the end

    def append(self, account: Account) -> None:
        if self._file is None:
            if len(self._memory) < self._keep:
                self._memory.append(account)
                return
            # TemporaryFile is unlinked at once on POSIX and opened O_EXCL with mode 0600.
            self._file = tempfile.TemporaryFile(prefix="letters-accounts-")  # noqa: SIM115 - held open
            # Closed (its space freed) when the spool is dropped, not at the end of the process.
            weakref.finalize(self, self._file.close)
            self._offsets.append(0)
            for kept in self._memory:
                self._write(kept)
            self._memory = []
        self._write(account)

    def _write(self, account: Account) -> None:
        assert self._file is not None  # noqa: S101 - only called once the file exists
        self._file.seek(self._offsets[-1])
        self._file.write(pickle.dumps(account, protocol=pickle.HIGHEST_PROTOCOL))
        self._offsets.append(self._file.tell())

    @property
    def spilled(self) -> bool:
        """Whether the accounts are on disk (more than ``keep`` of them)."""
        return self._file is not None

    def accounts(self) -> Sequence[Account]:
        """What an AccountSet holds: a tuple for a file that fits in memory, else this spool."""
        return self if self._file is not None else tuple(self._memory)

    def __len__(self) -> int:
        return len(self._offsets) - 1 if self._file is not None else len(self._memory)

    @overload
    def __getitem__(self, index: int) -> Account: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Account, ...]: ...

    def __getitem__(self, index: int | slice) -> Account | tuple[Account, ...]:
        if self._file is None:
            return tuple(self._memory[index]) if isinstance(index, slice) else self._memory[index]
        if isinstance(index, slice):
            return tuple(self._read_range(*index.indices(len(self))))
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("account index out of range")
        return next(iter(self._read_range(index, index + 1, 1)))

    def __iter__(self) -> Iterator[Account]:
        if self._file is None:
            yield from self._memory
            return
        count = len(self)
        for start in range(0, count, _READ_AHEAD):
            yield from self._read_range(start, min(start + _READ_AHEAD, count), 1)

    def _read_range(self, start: int, stop: int, step: int) -> list[Account]:
        """Accounts start..stop (one read of the file for a run of them, as a part asks)."""
        assert self._file is not None  # noqa: S101 - a spilled spool
        if start >= stop:
            return []
        self._file.seek(self._offsets[start])
        block = self._file.read(self._offsets[stop] - self._offsets[start])
        base = self._offsets[start]
        found: list[Account] = []
        for i in range(start, stop, step):
            # Our own file, written by this process a moment ago: never data from elsewhere.
            found.append(pickle.loads(block[self._offsets[i] - base : self._offsets[i + 1] - base]))  # noqa: S301
        return found
