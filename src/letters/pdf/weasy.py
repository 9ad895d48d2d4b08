"""Import WeasyPrint without the quarter second its library lookup spends in subprocesses.

WeasyPrint finds pango, harfbuzz and fontconfig by trying several names per library, Windows and
macOS names first. For every name that is not a loadable file, cffi asks ``ctypes.util.find_library``,
which on Linux runs ``ldconfig -p`` and then ``gcc`` and ``ld``: 16 failing names at ~16 ms each,
~0.26 s of a one-off letter's ~2 s. During that import only, the lookup reads the linker cache
once and answers from it; a name it does not know returns None, as find_library would, and
WeasyPrint's next candidate (the plain soname, which ``dlopen`` resolves itself) is tried.
"""

from __future__ import annotations

import ctypes.util
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType


@cache
def _linker_cache() -> str:
    """``ldconfig -p`` once per process, run as the standard library runs it."""
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        result = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, env=env, check=False
        )
    except OSError:
        return ""
    return result.stdout


def _find_in_linker_cache(name: str) -> str | None:
    """``ctypes.util.find_library``'s first method (the linker cache), without its gcc/ld fallbacks."""
    # The same pattern as ctypes.util._findSoname_ldconfig: "libNAME.so… (libc6,x86-64…) => path".
    pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({_machine_abi()}"
    match = re.search(pattern, _linker_cache())
    return match.group(1) if match else None


def _machine_abi() -> str:
    """The ABI tag ldconfig prints for this interpreter's libraries (as ctypes.util computes it)."""
    machine = os.uname().machine + "-32"
    if sys.maxsize > 2**32:
        machine = os.uname().machine + "-64"
    tags = {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }
    return re.escape(tags.get(machine, "libc6"))


@contextmanager
def _quick_library_lookup() -> Iterator[None]:
    original = ctypes.util.find_library
    ctypes.util.find_library = _find_in_linker_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original


def open_library(soname: str, name: str) -> ctypes.CDLL | None:
    """A shared library as WeasyPrint finds one on Linux: by its soname (``dlopen`` searches the
    usual places, no subprocess), else by the name ``ctypes.util.find_library`` resolves; None if
    neither loads."""
    for candidate in (soname, None):
        path = candidate or ctypes.util.find_library(name)
        if path is None:
            continue
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    return None


def load() -> ModuleType:
    """The ``weasyprint`` module, imported once per process."""
    if "weasyprint" not in sys.modules and sys.platform.startswith("linux") and _linker_cache():
        with _quick_library_lookup():
            import weasyprint  # noqa: F401 - imported for its side effect on sys.modules
    return importlib.import_module("weasyprint")
