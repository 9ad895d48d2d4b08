"""Does text decoded with a legacy encoding look like its language?  If not, --encoding was wrong.

cp932 and gb18030 decode most of each other's bytes without an error: a Japanese file read as
gb18030 gives names like 噴僒儞儔僀僘暔嶻 and addresses like 搶嫗搒怴廻, a Chinese file read as
cp932 gives half-width katakana.  Strict decoding cannot see that, so each row's names and address
are judged by the character repertoire their language is written in:

- ja: JIS X 0208 (levels 1 and 2, kana, symbols) plus half-width katakana.  Real Japanese text stays
  almost entirely inside it (髙, 﨑 and ㈱ are the usual exceptions); mis-decoded text is 60-90 % outside.
- zh: GB2312 without kana.  Simplified Chinese stays inside it (rare name characters such as 䶮 are
  the exceptions); kana, half-width katakana and hangul do not occur in Chinese addresses.

A row is implausible when at least a third of its CJK characters (and at least 4 of them) fall
outside; a file is refused when half or more of the rows that can be judged are implausible — the
encoding is a property of the whole file, so one odd name does not refuse it.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from letters.errors import InputError
from letters.intake.sources import RawTable

# The fields printed as the addressee and address: where mis-decoded text would end up on paper.
_JUDGED = ("debtor_name", "attention", "region", "city", "district", "address_line1", "address_line2")
_MIN_CHARACTERS = 4  # fewer CJK characters than this say too little to judge a row
_ROW_SHARE = 1 / 3
_FILE_SHARE = 1 / 2
_NAMED_ROWS = 3


@cache
def _in_jis_x_0208(char: str) -> bool:
    # ISO-2022-JP holds exactly ASCII, JIS X 0201 Roman and JIS X 0208 (levels 1 and 2).
    try:
        char.encode("iso2022_jp")
    except UnicodeEncodeError:
        return "\uff61" <= char <= "\uff9f"  # half-width katakana (JIS X 0201), normal in cp932 files
    return True


@cache
def _in_gb2312(char: str) -> bool:
    if "\u3040" <= char <= "\u30ff" or "\uff61" <= char <= "\uff9f":
        return False  # GB2312 has kana, but Chinese names and addresses never use them
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


_EXPECTED = {"ja": _in_jis_x_0208, "zh": _in_gb2312}


def _language(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return text.split("-", 1)[0].split("_", 1)[0]


def _cjk(char: str) -> bool:
    # From the CJK radicals block up: ideographs, kana, hangul, compatibility and half-width forms.
    # Marks (variation selectors among them) choose a glyph and say nothing about the repertoire.
    return char >= "\u2e80" and not unicodedata.category(char).startswith("M")


def implausible_rows(table: RawTable) -> tuple[list[int], int, dict[int, str]]:
    """The rows whose text is implausible for their language, how many rows could be judged, and
    an example value for each implausible row."""
    bad: list[int] = []
    examples: dict[int, str] = {}
    judged = 0
    for row in table.rows:
        expected = _EXPECTED.get(_language(row.cells.get("language", "")))
        if expected is None:
            continue  # English (or unknown) rows: not judged; validate reports unknown languages
        values = [str(row.cells.get(column, "")) for column in _JUDGED]
        characters = [char for value in values for char in value if _cjk(char)]
        if len(characters) < _MIN_CHARACTERS:
            continue
        judged += 1
        outside = sum(1 for char in characters if not expected(char))
        if outside >= _ROW_SHARE * len(characters):
            bad.append(row.number)
            examples[row.number] = next((v for v in values if v.strip()), "")
    return bad, judged, examples


def check_plausible(table: RawTable) -> RawTable:
    """Refuse a file decoded with a legacy encoding whose text does not look like its language."""
    if table.encoding is None or table.encoding.startswith("utf"):
        return table  # UTF-8 checks itself: text that is not UTF-8 fails to decode at all
    bad, judged, examples = implausible_rows(table)
    if not bad or len(bad) < _FILE_SHARE * judged:
        return table
    label = table.row_label + ("s" if len(bad) > 1 else "")
    shown = ", ".join(str(number) for number in bad[:_NAMED_ROWS]) + (", …" if len(bad) > _NAMED_ROWS else "")
    first = bad[0]
    raise InputError(
        f"{table.name}: read as {table.encoding}, the text does not look like its language in "
        f"{len(bad)} of {judged} {table.row_label}s ({label} {shown}; e.g. {examples[first]!r} in "
        f"{table.row_label} {first}); check --encoding: Japanese Excel writes cp932, Chinese Excel gb18030"
    )
