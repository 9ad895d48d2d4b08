"""Ask the system's fontconfig which file a font pattern resolves to, in this process.

The same library pango (and so WeasyPrint) uses to pick its fonts, called as ``fc-match`` calls
it: parse the pattern, apply the configuration's substitutions and defaults, take the best match.
Running ``fc-match`` instead costs ~50 ms a call (a process that loads fontconfig's caches each
time); a one-off letter asked it seven times, a quarter of its wall time.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache

from letters.pdf.weasy import open_library

_MATCH_PATTERN = 0  # FcMatchPattern
_RESULT_MATCH = 0  # FcResultMatch


@dataclass(frozen=True)
class Match:
    file: str
    index: int
    families: tuple[str, ...]  # every family name the matched face answers to


class FontconfigError(Exception):
    """libfontconfig cannot be loaded or initialised."""


@cache
def _library() -> ctypes.CDLL:
    lib = open_library("libfontconfig.so.1", "fontconfig")
    if lib is None:
        raise FontconfigError("cannot load libfontconfig")
    pattern, config, text = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p
    lib.FcInit.restype = ctypes.c_int
    lib.FcNameParse.argtypes = [ctypes.c_char_p]
    lib.FcNameParse.restype = pattern
    lib.FcConfigSubstitute.argtypes = [config, pattern, ctypes.c_int]
    lib.FcConfigSubstitute.restype = ctypes.c_int
    lib.FcDefaultSubstitute.argtypes = [pattern]
    lib.FcDefaultSubstitute.restype = None
    lib.FcFontMatch.argtypes = [config, pattern, ctypes.POINTER(ctypes.c_int)]
    lib.FcFontMatch.restype = pattern
    lib.FcPatternGetString.argtypes = [pattern, text, ctypes.c_int, ctypes.POINTER(text)]
    lib.FcPatternGetString.restype = ctypes.c_int
    lib.FcPatternGetInteger.argtypes = [pattern, text, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.FcPatternGetInteger.restype = ctypes.c_int
    lib.FcPatternDestroy.argtypes = [pattern]
    lib.FcPatternDestroy.restype = None
    if not lib.FcInit():
        raise FontconfigError("fontconfig could not load its configuration")
    return lib


def match(pattern: str) -> Match | None:
    """The face fontconfig picks for ``pattern`` (e.g. ``"Noto Serif CJK JP:style=Bold"``), as
    ``fc-match`` prints it; None when nothing matches at all."""
    lib = _library()
    query = lib.FcNameParse(pattern.encode("utf-8"))
    if not query:
        raise FontconfigError(f"fontconfig cannot parse the pattern {pattern!r}")
    try:
        lib.FcConfigSubstitute(None, query, _MATCH_PATTERN)
        lib.FcDefaultSubstitute(query)
        result = ctypes.c_int(-1)
        found = lib.FcFontMatch(None, query, ctypes.byref(result))
    finally:
        lib.FcPatternDestroy(query)
    if not found:
        return None
    try:
        file = _strings(lib, found, b"file")
        if not file:
            return None
        index = ctypes.c_int(0)
        if lib.FcPatternGetInteger(found, b"index", 0, ctypes.byref(index)) != _RESULT_MATCH:
            index.value = 0
        return Match(file[0], index.value, tuple(_strings(lib, found, b"family")))
    finally:
        lib.FcPatternDestroy(found)


def _strings(lib: ctypes.CDLL, pattern: int, element: bytes) -> list[str]:
    values: list[str] = []
    value = ctypes.c_char_p()
    while lib.FcPatternGetString(pattern, element, len(values), ctypes.byref(value)) == _RESULT_MATCH:
        values.append((value.value or b"").decode("utf-8", "replace"))
    return values
