"""Text → lines and sheets of a 内容証明 grid, counted the way Japan Post counts characters.

内容証明 (content-certified mail): the post office keeps a copy (謄本) of the text, so each sheet of
the copies must hold at most a fixed grid of characters.  Horizontal writing allows three grids —
26 characters × 20 lines, 20 × 26 or 13 × 40 — and a letter may run to several sheets.

How characters are counted (Japan Post's rules for 内容証明, as published and as practitioners
apply them).  Where the rules leave room, this module counts HIGH: a text that fits our count
also fits the post office's, never the other way round.

1. Every character counts one: kana, kanji, digits (each digit, half- or full-width), Latin
   letters (each letter; Japan Post accepts them only in proper nouns, which is not checked),
   punctuation (、。，．), and every symbol (%, &, -, ・, ～, ¥, △ …).
2. A space counts one (it takes a cell of the grid; Japan Post may not count spaces at all).
3. Brackets count one per pair: an opening bracket counts one, on its own line, and its closing
   partner is free — also when the pair spans lines (the pair belongs to the opening bracket's
   line).  Pairs: 「」 『』 （） () ［］ [] ｛｝ {} 〔〕 【】 〈〉 《》 “” ‘’ ｢｣ 〖〗 〘〙 〚〛.
   A closing bracket without its opening partner (カ）サクラ, an abbreviation of 株式会社) counts
   one, and so does an opening bracket never closed.  Pairs must nest: a closing bracket that does
   not close the innermost open bracket counts one.
4. Characters made of several count their parts: ㎡ (m, 2) 2, ㎏ 2, ㍑ (リットル) 4, ⅳ 2,
   ½ 3; a bracketed character counts as its contents plus one for the pair: ㈱ 2, ⑴ 2, ⑽ 3.
5. Framed (circled, squared) characters count their contents plus one for the frame: ① 2, ⑩ 3,
   ㊙ 2, ❶ 2.
6. Not applied, on purpose: Japan Post counts an enclosed or bracketed sequence mark at the head
   of an item (①役員会, (1)町内のおしらせ) as one character.  We count it as two, which is never less.
7. Combining marks (゙ U+3099), variation selectors and zero-width format characters belong to the
   character before them and count nothing.  A line break counts nothing; a blank line still takes
   a line of the grid (Japan Post does not count blank lines: again never less).

How the text is laid out (`layout`):

- every paragraph starts a new line, and so does a newline inside a paragraph;
- a run of Latin letters and digits with its inner separators (120,000 / SK-2024-00123 / 3.5) is
  never split; one longer than a line is a LayoutError naming the page and line;
- 禁則 (line-breaking rules): a closing bracket never starts a line — being free, it stays on the line
  of the character before it even when that line is full, the one case where a line holds more
  glyphs than the grid has cells (its count is still within the grid); 、。，．・：；？！ ー 々 ～,
  small kana and % do not start a line: the character before them moves down with them (追い出し;
  ぶら下げ, hanging punctuation in the margin, would exceed the count); an opening bracket does not
  end a line.  Where moving down cannot work (a full-line run of digits), the rule gives way;
- a space (half- or full-width) that would start a continuation line is dropped: a separator, not
  an indent (indents only open paragraphs).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from letters.errors import ConfigError, LayoutError

Grid = tuple[int, int]  # (characters per line, lines per sheet)
GRIDS: dict[str, Grid] = {"26x20": (26, 20), "20x26": (20, 26), "13x40": (13, 40)}
DEFAULT_GRID: Grid = GRIDS["26x20"]

_PAIRS = {
    "「": "」",
    "『": "』",
    "（": "）",
    "(": ")",
    "［": "］",
    "[": "]",
    "｛": "｝",
    "{": "}",
    "〔": "〕",
    "【": "】",
    "〈": "〉",
    "《": "》",
    "“": "”",
    "‘": "’",
    "｢": "｣",
    "〖": "〗",
    "〘": "〙",
    "〚": "〛",
}
_OPENERS = frozenset(_PAIRS)
_CLOSERS = frozenset(_PAIRS.values())
_NO_LINE_START = _CLOSERS | frozenset(
    "、。，．,.・：:；;？?！!ー‐゠〜～…‥々〻ゝゞヽヾ%％℃°′″"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
)
_SPACES = frozenset(" \u3000")  # dropped where they would start a continuation line
_WORD_JOINERS = frozenset(".,-/:@_'&+#")  # inside a run of letters and digits: 120,000 SK-2024 a@b.jp


def parse_grid(text: str) -> Grid:
    """A grid named as on the command line: 26x20, 20x26 or 13x40 (characters × lines)."""
    name = text.strip().lower().replace("×", "x")
    if name not in GRIDS:
        raise ConfigError(f"内容証明 grid {text!r}: use one of {', '.join(GRIDS)} (characters × lines)")
    return GRIDS[name]


def grid_name(grid: Grid) -> str:
    return f"{grid[0]}x{grid[1]}"


def check_grid(grid: Grid) -> Grid:
    """A grid no larger than one of Japan Post's (fewer characters or lines are allowed: 以内)."""
    chars, lines = grid
    if chars < 1 or lines < 1 or not any(chars <= c and lines <= n for c, n in GRIDS.values()):
        raise ConfigError(
            f"内容証明 grid {chars}x{lines} is larger than Japan Post allows; use {', '.join(GRIDS)} or less"
        )
    return grid


# ---------------------------------------------------------------------------------------------
# Counting


def _joins_previous(char: str) -> bool:
    # Combining marks (゙ U+3099), variation selectors (Mn) and format characters (ZWJ, ZWSP).
    return unicodedata.category(char) in ("Mn", "Me", "Cf")


def glyphs(text: str) -> list[str]:
    """The text as the characters a reader sees: each with its combining marks attached."""
    out: list[str] = []
    for char in text:
        if out and _joins_previous(char):
            out[-1] += char
        else:
            out.append(char)
    return out


def _count_plain(text: str) -> int:
    """Count a short string with its own bracket pairs (the parts of ⑴ or ㈱)."""
    stack: list[str] = []
    return sum(_weigh(glyph, stack) for glyph in glyphs(text))


def _framed_contents(char: str) -> int | None:
    """Characters inside a frame with no compatibility mapping (❶, ⓫): how many it frames."""
    name = unicodedata.name(char, "")
    if "CIRCLED" not in name and "SQUARED" not in name:
        return None
    value = unicodedata.numeric(char, None)
    if value is not None and value == int(value):
        return len(str(int(value)))
    return 1


def _base_weight(glyph: str) -> int:
    """Japan Post's count for one character that is not a bracket (rules 1, 2, 4, 5, 7)."""
    char = glyph[0]
    if unicodedata.category(char) == "Cf":
        return 0
    if char.isspace():
        return 1
    decomposition = unicodedata.decomposition(char)
    folded = unicodedata.normalize("NFKC", char)
    if decomposition.startswith("<circle>"):
        return _count_plain(folded) + 1  # contents + the frame
    if decomposition.startswith("<square>") and len(folded) == 1:
        return 2  # one character in a square frame
    if decomposition.startswith("<"):
        # Compatibility characters count what they are made of: ㎡ → m2, ㈱ → (株), ｶ → カ, Ａ → A.
        return max(1, _count_plain(folded))
    framed = _framed_contents(char)
    if framed is not None:
        return framed + 1
    return 1


def _weigh(glyph: str, stack: list[str]) -> int:
    """One glyph's count; ``stack`` holds the brackets still open before it (rule 3)."""
    char = glyph[0]
    if char in _OPENERS:
        stack.append(char)
        return 1
    if char in _CLOSERS:
        if stack and _PAIRS[stack[-1]] == char:
            stack.pop()
            return 0  # the pair was counted at its opening bracket
        return 1
    return _base_weight(glyph)


def count_chars(text: str) -> int:
    """How many characters Japan Post counts in ``text`` (rules in the module docstring).

    Line breaks count nothing; a bracket pair that spans lines counts once.
    """
    return sum(count_lines(text.splitlines()))


def count_lines(lines: Sequence[str]) -> list[int]:
    """Japan Post's count for each line of a laid-out text: a pair counts on its opening line."""
    stack: list[str] = []
    return [sum(_weigh(glyph, stack) for glyph in glyphs(line)) for line in lines]


# ---------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class _Glyph:
    text: str
    weight: int


@dataclass(frozen=True)
class _Token:
    """A piece the line breaker never splits: one glyph, or a run of Latin letters and digits."""

    glyphs: tuple[_Glyph, ...]

    @property
    def weight(self) -> int:
        return sum(g.weight for g in self.glyphs)

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def first(self) -> str:
        return self.glyphs[0].text[0]

    @property
    def last(self) -> str:
        return self.glyphs[-1].text[0]


@dataclass(frozen=True)
class Line:
    """One laid-out line: its text, Japan Post's count for it, and the paragraph it comes from."""

    text: str
    count: int
    paragraph: int  # 1-based

    @property
    def glyphs(self) -> list[str]:
        return glyphs(self.text)


def _wordish(glyph: _Glyph) -> bool:
    folded = unicodedata.normalize("NFKC", glyph.text[0])
    return len(folded) == 1 and folded.isascii() and folded.isalnum()


def _joiner(glyph: _Glyph) -> bool:
    return unicodedata.normalize("NFKC", glyph.text[0]) in _WORD_JOINERS


def _tokens(items: Sequence[_Glyph]) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(items):
        if not _wordish(items[i]):
            tokens.append(_Token((items[i],)))
            i += 1
            continue
        j = i + 1
        while j < len(items):
            if _wordish(items[j]):
                j += 1
            elif _joiner(items[j]) and j + 1 < len(items) and _wordish(items[j + 1]):
                j += 2
            else:
                break
        tokens.append(_Token(tuple(items[i:j])))
        i = j
    return tokens


def _carry(line: list[_Token], token: _Token, width: int) -> int:
    """How many tokens at the end of a full ``line`` move down with ``token`` (禁則, 追い出し)."""
    moved = 0

    def next_start() -> str:
        return line[len(line) - moved].first if moved else token.first

    while moved < len(line) - 1 and next_start() in _NO_LINE_START:
        moved += 1
    while moved < len(line) - 1 and line[len(line) - moved - 1].last in _OPENERS:
        moved += 1
    if moved and sum(t.weight for t in line[len(line) - moved :]) + token.weight > width:
        return 0  # moving down would overfill the next line: the rule gives way
    return moved


def _excerpt(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def layout_lines(text_paragraphs: Sequence[str], grid: Grid) -> list[list[Line]]:
    """Pages of laid-out lines, each line's count (Japan Post's) at most the grid's width.

    Raises LayoutError, naming the page and line, for a run of letters and digits longer than a line.
    """
    width, per_page = check_grid(grid)
    stack: list[str] = []  # brackets still open, across lines (a pair counts on its opening line)
    lines: list[Line] = []
    for number, paragraph in enumerate(text_paragraphs, start=1):
        for part in paragraph.splitlines() or [""]:
            items = [_Glyph(g, _weigh(g, stack)) for g in glyphs(part)]
            rows: list[list[_Token]] = []
            row: list[_Token] = []
            used = 0
            for token in _tokens(items):
                if not row and rows and token.text in _SPACES:
                    continue  # a continuation line does not start with a space
                if used + token.weight <= width:
                    row.append(token)
                    used += token.weight
                    continue
                if token.weight > width:
                    index = len(lines) + len(rows)
                    raise LayoutError(
                        f"内容証明 {grid_name(grid)}: page {index // per_page + 1}, line "
                        f"{index % per_page + 1}: {token.text!r} counts {token.weight} characters and "
                        f"cannot be split, but a line holds {width} "
                        f"(paragraph {number}: {_excerpt(paragraph)!r})"
                    )
                moved = _carry(row, token, width)
                rows.append(row[: len(row) - moved])
                row = row[len(row) - moved :] + ([] if token.text in _SPACES and not moved else [token])
                used = sum(t.weight for t in row)
            rows.append(row)
            for tokens in rows:
                text = "".join(t.text for t in tokens)
                lines.append(Line(text, sum(t.weight for t in tokens), number))
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]


def layout(text_paragraphs: Sequence[str], grid: Grid) -> list[list[str]]:
    """Pages of lines for a grid (characters, lines): see the module docstring for the rules."""
    return [[line.text for line in page] for page in layout_lines(text_paragraphs, grid)]
