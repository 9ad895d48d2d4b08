"""Draw every letterhead's ``logo.svg`` and ``seal.png``.

Run from the project root: ``.venv/bin/python letterheads/make_assets.py``. The output is
deterministic: the same Pillow and the same font give byte-identical files, so the assets can be
regenerated and diffed. Every name on a seal and every signature belongs to a fictional sender.

- ``logo.svg``: a small geometric mark (60 x 60 viewBox, solid fills, no text, no external
  references) so the letterhead renders the same everywhere and WeasyPrint fetches nothing.
- ``seal.png`` (RGBA, transparent background), one of three kinds (``seal_kind`` in
  letterhead.toml):
  - ``kakuin`` (角印): a square red company or professional seal, the name laid out in vertical
    columns read right to left (Japanese glyph shapes, Noto Serif CJK JP);
  - ``gongzhang`` (公章): a round red seal with a five-pointed star in the centre and the
    organisation's name along the upper arc (Chinese glyph shapes, Noto Serif CJK SC);
  - ``signature``: a handwritten-looking signature in dark blue ink.

Seals are drawn at ``SUPERSAMPLE`` times their size and scaled down, for smooth edges.
"""

from __future__ import annotations

import html
import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
CJK_SANS_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

SUPERSAMPLE = 4
SEAL_RED = (200, 16, 46)  # vermilion seal paste
SEAL_ALPHA = 232  # a little of the paper shows through, as with real seal paste
SIGNATURE_BLUE = (24, 40, 112)  # blue-black ballpoint / fountain-pen ink

# Small kana take their vertical-writing forms (upper right of the cell) and keep their small size.
SMALL_KANA = frozenset("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")

Point = tuple[float, float]

# --------------------------------------------------------------------------------------------------
# Fonts and glyphs


def _face_index(collection_path: Path, wanted: str) -> int:
    """The index of the face named ``wanted`` in a font collection (.ttc)."""
    collection = TTCollection(str(collection_path))
    try:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == wanted:
                return index
    finally:
        collection.close()
    raise SystemExit(f"{collection_path} has no {wanted} face; install fonts-noto-cjk")


def cjk_face(region: str) -> int:
    """The index in the Noto Serif CJK collection of the face for ``region`` (JP, SC, TC, KR, HK)."""
    return _face_index(CJK_FONT, f"Noto Serif CJK {region}")


def cjk_sans_face(region: str) -> int:
    """The index in the Noto Sans CJK collection of the face for ``region`` (for handwriting)."""
    return _face_index(CJK_SANS_FONT, f"Noto Sans CJK {region}")


def glyph(char: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    """One character as an ``L`` mask cropped to its ink, to be stretched into a seal's cell."""
    size = int(font.size)
    canvas = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(canvas).text(
        (size // 2, size // 2 + round(size * 0.88)), char, font=font, fill=255, anchor="ls"
    )
    box = canvas.getbbox()
    if box is None:
        raise SystemExit(f"the font has no glyph for {char!r}")
    return canvas.crop(box)


def em_glyph(char: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    """One character in its full em square (vertical form), so small kana stay small and placed."""
    size = int(font.size)
    canvas = Image.new("L", (size, size), 0)
    ImageDraw.Draw(canvas).text(
        (0, round(size * 0.88)), char, font=font, fill=255, anchor="ls", features=["vert"]
    )
    return canvas


def stamp(layer: Image.Image, mask: Image.Image, box: tuple[float, float, float, float]) -> None:
    """Stretch ``mask`` into ``box`` (left, top, right, bottom) of ``layer``, keeping what is there."""
    left, top, right, bottom = (round(v) for v in box)
    scaled = mask.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
    piece = Image.new("L", layer.size, 0)
    piece.paste(scaled, (left, top))
    layer.paste(ImageChops.lighter(layer, piece))


# --------------------------------------------------------------------------------------------------
# Ink


def ink_texture(size: int, seed: int) -> Image.Image:
    """A soft, mottled ``L`` image (mostly 215–255) that makes flat ink look pressed onto paper."""
    rng = random.Random(seed)  # noqa: S311  (a fixed-seed texture, not a secret)
    coarse = max(8, size // 24)
    noise = Image.new("L", (coarse, coarse))
    noise.putdata([rng.randint(212, 255) for _ in range(coarse * coarse)])
    texture = noise.resize((size, size), Image.Resampling.BICUBIC)
    texture = texture.filter(ImageFilter.GaussianBlur(size / coarse / 2))
    # A few pale specks where the paste did not take.
    speck = ImageDraw.Draw(texture)
    for _ in range(size // 12):
        x, y = rng.uniform(0, size), rng.uniform(0, size)
        r = rng.uniform(size / 900, size / 300)
        speck.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(90, 170))
    return texture


def finish_seal(mask: Image.Image, size: int, seed: int) -> Image.Image:
    """Texture the supersampled ink mask, scale it to ``size`` and colour it; the rest transparent."""
    textured = ImageChops.multiply(mask, ink_texture(mask.width, seed))
    alpha = textured.resize((size, size), Image.Resampling.LANCZOS)
    alpha = alpha.point(lambda v: v * SEAL_ALPHA // 255)
    seal = Image.new("RGBA", (size, size), (*SEAL_RED, 0))
    seal.putalpha(alpha)
    return seal


# --------------------------------------------------------------------------------------------------
# 角印 (kakuin)


def kakuin(columns: Sequence[str], *, size: int = 360, seed: int = 1) -> Image.Image:
    """A square seal: thick border, ``columns`` of characters read top to bottom, right to left."""
    side = size * SUPERSAMPLE
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    margin = side * 0.02
    border = side * 0.075
    draw.rounded_rectangle((margin, margin, side - margin, side - margin), radius=side * 0.025, fill=255)
    inner = margin + border
    draw.rounded_rectangle((inner, inner, side - inner, side - inner), radius=side * 0.01, fill=0)

    font = ImageFont.truetype(str(CJK_FONT), side // 4, index=cjk_face("JP"))
    reference = glyph("国", font)  # a full-width kanji: how much of the em square ink fills
    gap = side * 0.03  # between the border and the characters
    pad = 0.045  # share of a cell left around each character
    left, top = inner + gap, inner + gap
    width, height = side - 2 * (inner + gap), side - 2 * (inner + gap)
    column_width = width / len(columns)
    for number, column in enumerate(columns):
        x1 = left + width - number * column_width  # the first column is the rightmost
        x0 = x1 - column_width
        cell_height = height / len(column)
        for row, char in enumerate(column):
            y0 = top + row * cell_height
            if char in SMALL_KANA:
                # Keep its size relative to a kanji and its vertical-writing place (upper right).
                em = em_glyph(char, font)
                grow_x = (column_width * (1 - 2 * pad)) / reference.width
                grow_y = (cell_height * (1 - 2 * pad)) / reference.height
                cx, cy = x0 + column_width / 2, y0 + cell_height / 2
                half_w, half_h = em.width * grow_x / 2, em.height * grow_y / 2
                stamp(mask, em, (cx - half_w, cy - half_h, cx + half_w, cy + half_h))
            else:
                mark = glyph(char, font)
                stamp(
                    mask,
                    mark,
                    (
                        x0 + column_width * pad,
                        y0 + cell_height * pad,
                        x1 - column_width * pad,
                        y0 + cell_height * (1 - pad),
                    ),
                )
    return finish_seal(mask, size, seed)


# --------------------------------------------------------------------------------------------------
# 公章 (gongzhang)


def star(cx: float, cy: float, radius: float) -> list[Point]:
    """A five-pointed star, one point straight up."""
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points: list[Point] = []
    for k in range(10):
        r = radius if k % 2 == 0 else inner
        angle = math.radians(90 + 36 * k)
        points.append((cx + r * math.cos(angle), cy - r * math.sin(angle)))
    return points


def gongzhang(
    name: str, *, size: int = 360, seed: int = 2, start: float = 210.0, end: float = -30.0
) -> Image.Image:
    """A round seal: thick ring, a star in the centre, ``name`` clockwise along the upper arc.

    ``start`` and ``end`` are the angles (degrees, counter-clockwise from 3 o'clock) where the text
    begins and ends; each character stands upright with its top towards the rim.
    """
    side = size * SUPERSAMPLE
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    centre = side / 2
    outer = side * 0.48
    ring = side * 0.042
    draw.ellipse((centre - outer, centre - outer, centre + outer, centre + outer), fill=255)
    hole = outer - ring
    draw.ellipse((centre - hole, centre - hole, centre + hole, centre + hole), fill=0)
    draw.polygon(star(centre, centre, side * 0.155), fill=255)

    font = ImageFont.truetype(str(CJK_FONT), side // 4, index=cjk_face("SC"))
    char_height = side * 0.145
    radius = hole - side * 0.025 - char_height / 2  # the middle of the characters
    step = (start - end) / len(name)
    char_width = min(char_height * 0.82, radius * math.radians(step) * 0.86)
    for index, char in enumerate(name):
        angle = start - step * (index + 0.5)
        mark = glyph(char, font).resize((round(char_width), round(char_height)), Image.Resampling.LANCZOS)
        turned = mark.rotate(angle - 90, resample=Image.Resampling.BICUBIC, expand=True)
        x = centre + radius * math.cos(math.radians(angle)) - turned.width / 2
        y = centre - radius * math.sin(math.radians(angle)) - turned.height / 2
        piece = Image.new("L", mask.size, 0)
        piece.paste(turned, (round(x), round(y)))
        mask = ImageChops.lighter(mask, piece)
    return finish_seal(mask, size, seed)


# --------------------------------------------------------------------------------------------------
# Signatures


@dataclass(frozen=True)
class Stroke:
    """One pen stroke through ``points`` (design units, 600 x 200 box), widest at ``weight``."""

    points: tuple[Point, ...]
    weight: float = 4.4


def catmull_rom(points: Sequence[Point], per_segment: int = 40) -> list[Point]:
    """A smooth curve through every point (a uniform Catmull–Rom spline)."""
    padded = [points[0], *points, points[-1]]
    curve: list[Point] = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for step in range(per_segment):
            t = step / per_segment
            t2, t3 = t * t, t * t * t
            curve.append(
                (
                    0.5
                    * (
                        2 * p1[0]
                        + (-p0[0] + p2[0]) * t
                        + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                        + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3
                    ),
                    0.5
                    * (
                        2 * p1[1]
                        + (-p0[1] + p2[1]) * t
                        + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                        + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3
                    ),
                )
            )
    curve.append(points[-1])
    return curve


ADVANCE = 17.0  # design units per pen cycle

# Lower-case letters as one or more pen cycles: (height, loop) per cycle. Height is how far the pen
# rises above the baseline (negative: a descender below it); loop > 1 closes a loop at the far end.
_CYCLES: dict[str, tuple[tuple[float, float], ...]] = {
    **dict.fromkeys("bdfhklt", ((60.0, 3.2),)),
    **dict.fromkeys("gjpqyz", ((22.0, 0.9), (-40.0, 2.0))),
    **dict.fromkeys("mw", ((22.0, 0.3), (22.0, 0.3))),
    **dict.fromkeys("nruv", ((22.0, 0.3),)),
    **dict.fromkeys("aceos", ((22.0, 2.0),)),
    "i": ((20.0, 0.0),),
}


def loops(x: float, baseline: float, letters: str, *, slant: float = 0.3) -> list[Point]:
    """Cursive lower-case body: a looped, humped or spiked pen cycle per letter (a prolate trochoid)."""
    points: list[Point] = []
    for letter in letters:
        for height, loop in _CYCLES.get(letter, ((22.0, 1.0),)):
            for k in range(16):
                phase = math.tau * k / 16
                dx = ADVANCE * k / 16 + loop * ADVANCE / math.tau * math.sin(phase)
                dy = -height * (1 - math.cos(phase)) / 2
                points.append((x + dx - slant * dy, baseline + dy))
            x += ADVANCE
    points.append((x + 6, baseline - 8))
    return points


def i_dots(x: float, baseline: float, letters: str, *, slant: float = 0.3) -> list[Stroke]:
    """The dots over each i of a word written by ``loops`` from ``x``: short dashes, as in haste."""
    dots: list[Stroke] = []
    for letter in letters:
        if letter == "i":
            dot_x, dot_y = x + ADVANCE / 2 + slant * 34, baseline - 40
            dots.append(Stroke(((dot_x, dot_y), (dot_x + 3, dot_y - 1)), weight=4.6))
        x += ADVANCE * len(_CYCLES.get(letter, ((0.0, 0.0),)))
    return dots


def signature(
    strokes: Sequence[Stroke], *, width: int = 600, height: int = 200, seed: int = 3
) -> Image.Image:
    """Ink ``strokes`` with a pressure-like width: thin where the pen lands and lifts."""
    scale = SUPERSAMPLE * width / 600
    mask = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(mask)
    rng = random.Random(seed)  # noqa: S311  (a fixed-seed pen wobble, not a secret)
    for stroke in strokes:
        curve = even(catmull_rom(stroke.points), spacing=0.25)
        total = 0.25 * (len(curve) - 1) or 1.0
        wobble = rng.uniform(0.0, math.tau)
        for index, (px, py) in enumerate(curve):
            run = 0.25 * index
            t = run / total
            taper = max(0.0, min(1.0, t / 0.05, (1 - t) / 0.15)) ** 0.7
            pressure = 0.8 + 0.2 * math.sin(wobble + run / 29)
            r = max(0.35, stroke.weight * taper * pressure / 2) * scale
            cx, cy = px * scale, py * scale
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    alpha = mask.resize((width, height), Image.Resampling.LANCZOS)
    box = alpha.getbbox()
    if box is not None:  # centre the ink, so the signature sits evenly over the typed name
        centred = Image.new("L", alpha.size, 0)
        centred.paste(alpha.crop(box), ((width - (box[2] - box[0])) // 2, (height - (box[3] - box[1])) // 2))
        alpha = centred
    ink = Image.new("RGBA", (width, height), (*SIGNATURE_BLUE, 0))
    ink.putalpha(alpha)
    return ink


def even(curve: Sequence[Point], spacing: float) -> list[Point]:
    """Points every ``spacing`` along ``curve``, so the pen's dabs overlap into a smooth line."""
    points = [curve[0]]
    carry = 0.0
    for (ax, ay), (bx, by) in itertools.pairwise(curve):
        length = math.hypot(bx - ax, by - ay)
        position = spacing - carry
        while position <= length:
            t = position / length
            points.append((ax + (bx - ax) * t, ay + (by - ay) * t))
            position += spacing
        carry = length - (position - spacing)
    return points


def shift(points: Sequence[Point], dx: float) -> tuple[Point, ...]:
    """``points`` moved ``dx`` design units to the right."""
    return tuple((x + dx, y) for x, y in points)


# Capitals drawn at x = 0 on a baseline at y = 130; ``shift`` places them.
CAPITAL_M: tuple[Point, ...] = (
    (-6, 134), (4, 96), (12, 58), (17, 46), (22, 60), (28, 100), (32, 124), (36, 96), (44, 60),
    (50, 48), (55, 62), (58, 100), (62, 128), (70, 126),
)  # fmt: skip
CAPITAL_A: tuple[Point, ...] = (
    (0, 132), (14, 96), (28, 58), (36, 46), (40, 70), (44, 104), (50, 130), (42, 108), (24, 100),
    (8, 102), (30, 96), (60, 92),
)  # fmt: skip
CAPITAL_J: tuple[Point, ...] = (
    (-4, 66), (14, 50), (40, 44), (62, 48), (48, 52), (44, 80), (38, 120), (30, 160), (18, 176),
    (6, 170), (10, 150), (32, 132), (58, 122),
)  # fmt: skip
CAPITAL_W: tuple[Point, ...] = (
    (-4, 52), (4, 48), (8, 80), (14, 126), (22, 100), (30, 76), (36, 104), (42, 128), (50, 92),
    (58, 56), (66, 44), (72, 52), (66, 64),
)  # fmt: skip
CAPITAL_D_STEM: tuple[Point, ...] = ((20, 50), (18, 90), (13, 132))
CAPITAL_D_BOWL: tuple[Point, ...] = (
    (4, 124), (16, 134), (44, 124), (66, 100), (68, 70), (50, 50), (20, 44), (-4, 54), (-6, 66),
)  # fmt: skip
CAPITAL_R: tuple[Point, ...] = (
    (2, 130), (6, 90), (10, 50), (28, 44), (44, 54), (40, 76), (16, 88), (30, 104), (44, 126),
    (56, 128),
)  # fmt: skip


def flourish(x0: float, x1: float, y: float) -> Stroke:
    """A quick underline sweep from left to right, rising at the end."""
    span = x1 - x0
    return Stroke(
        (
            (x0, y + 4),
            (x0 + span * 0.2, y + 8),
            (x0 + span * 0.55, y + 6),
            (x0 + span * 0.85, y - 2),
            (x1, y - 12),
        ),
        weight=3.6,
    )


def signature_maria_alvarez() -> Image.Image:
    m = shift(CAPITAL_M, 40)
    body1 = loops(110, 128, "aria")
    a = shift(CAPITAL_A, 200)
    body2 = loops(262, 126, "lvarez")
    return signature(
        [
            Stroke((*m, *body1)),
            Stroke((*a, *body2)),
            *i_dots(110, 128, "aria"),
            flourish(60, 450, 160),
        ],
        seed=5,
    )


def signature_james_whitmore() -> Image.Image:
    j = shift(CAPITAL_J, 40)
    body1 = loops(100, 124, "ames")
    w = shift(CAPITAL_W, 204)
    body2 = loops(278, 126, "hitmore")
    return signature(
        [
            Stroke((*j, *body1)),
            Stroke((*w, *body2)),
            *i_dots(278, 126, "hitmore"),
            flourish(150, 500, 158),
        ],
        seed=7,
    )


def signature_daniel_whitfield() -> Image.Image:
    stem, bowl = shift(CAPITAL_D_STEM, 34), shift(CAPITAL_D_BOWL, 34)
    body1 = loops(112, 128, "aniel")
    r = shift(CAPITAL_R, 226)
    w = shift(CAPITAL_W, 304)
    body2 = loops(378, 126, "hitfield")
    return signature(
        [
            Stroke(stem),
            Stroke(bowl),
            Stroke(tuple(body1)),
            Stroke(r),
            Stroke((*w, *body2)),
            *i_dots(112, 128, "aniel"),
            *i_dots(378, 126, "hitfield"),
            flourish(40, 560, 162),
        ],
        seed=11,
    )


def signature_wang_liming() -> Image.Image:
    """王立明 signed quickly with a pen: the characters written close together, leaning right, each
    one a little higher than the last, the strokes loosened by a wave and thinned at the edges."""
    font = ImageFont.truetype(str(CJK_SANS_FONT), 150 * SUPERSAMPLE, index=cjk_sans_face("SC"))
    width, height = 600 * SUPERSAMPLE, 200 * SUPERSAMPLE
    mask = Image.new("L", (width, height), 0)
    x = 70 * SUPERSAMPLE
    for index, char in enumerate("王立明"):
        ink = glyph(char, font)
        # squeezed sideways, as a hurried hand writes: 72 % of the width, the last character widest
        scaled = ink.resize((round(ink.width * (0.66 + 0.06 * index)), round(ink.height * 0.92)))
        top = round((40 - 14 * index) * SUPERSAMPLE)
        piece = Image.new("L", mask.size, 0)
        piece.paste(scaled, (x, top))
        mask = ImageChops.lighter(mask, piece)
        x += scaled.width - 16 * SUPERSAMPLE  # each character runs into the next
    # lean right (a shear), then a gentle wave so no stroke is ruler-straight
    mask = mask.transform(mask.size, Image.Transform.AFFINE, (1, 0.32, -30 * SUPERSAMPLE, 0, 1, 0))
    rng = random.Random(13)  # noqa: S311  (a fixed-seed pen wobble, not a secret)
    phase = rng.uniform(0, math.tau)
    waved = Image.new("L", mask.size, 0)
    for row in range(0, mask.height, SUPERSAMPLE):
        dx = round(3 * SUPERSAMPLE * math.sin(phase + row / (23 * SUPERSAMPLE)))
        waved.paste(mask.crop((0, row, mask.width, row + SUPERSAMPLE)), (dx, row))
    # a pen line is thinner than a printed Sans stroke: erode a little, then soften the edge
    waved = waved.filter(ImageFilter.MinFilter(7)).filter(ImageFilter.GaussianBlur(SUPERSAMPLE / 2))
    flourish_pen = ImageDraw.Draw(waved)
    flourish_pen.line(
        [
            (p[0] * SUPERSAMPLE, p[1] * SUPERSAMPLE)
            for p in catmull_rom([(150, 178), (300, 186), (430, 176), (520, 150)], per_segment=30)
        ],
        fill=255,
        width=3 * SUPERSAMPLE,
        joint="curve",
    )
    alpha = waved.resize((600, 200), Image.Resampling.LANCZOS)
    ink_layer = Image.new("RGBA", (600, 200), (*SIGNATURE_BLUE, 0))
    ink_layer.putalpha(alpha)
    return ink_layer


# --------------------------------------------------------------------------------------------------
# Logos (SVG 1.1, 60 x 60, solid fills, no text, nothing external)


def svg(title: str, body: str) -> str:
    """A standalone SVG 1.1 document: ``title`` is for accessibility only (not drawn)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="60" height="60" '
        'viewBox="0 0 60 60">\n'
        f"  <title>{html.escape(title)}</title>\n"
        f"{body}"
        "</svg>\n"
    )


def circle_path(cx: float, cy: float, r: float) -> str:
    """A circle as path data (two half arcs), to combine with other shapes under evenodd."""
    return f"M{cx - r:g} {cy:g} A{r:g} {r:g} 0 1 0 {cx + r:g} {cy:g} A{r:g} {r:g} 0 1 0 {cx - r:g} {cy:g} Z"


def square_path(cx: float, cy: float, half: float) -> str:
    """An axis-aligned square as path data, ``half`` its half side."""
    return f"M{cx - half:g} {cy - half:g} H{cx + half:g} V{cy + half:g} H{cx - half:g} Z"


def blossom(cx: float, cy: float, scale: float, petal: str, centre: str) -> str:
    """A five-petal cherry blossom, each petal notched at its tip, one petal straight up."""
    shape = (
        "M0 -1.5 C-8 -6 -12.5 -15 -8 -22.5 Q-4.8 -26.2 -1.3 -23.6 L0 -21.4"
        " L1.3 -23.6 Q4.8 -26.2 8 -22.5 C12.5 -15 8 -6 0 -1.5 Z"
    )
    petals = "".join(f'    <path transform="rotate({72 * k})" d="{shape}"/>\n' for k in range(5))
    return (
        f'  <g transform="translate({cx:g} {cy:g}) scale({scale:g})">\n'
        f'   <g fill="{petal}">\n{petals}   </g>\n'
        f'   <circle r="4.2" fill="{centre}"/>\n'
        "  </g>\n"
    )


def scales(colour: str, finial: str = "") -> str:
    """Scales of justice on a post: beam, two hanging pans, stepped base; ``finial`` tops the post."""
    top = finial or f'  <circle cx="30" cy="10.5" r="3.2" fill="{colour}"/>\n'
    return (
        f'  <g fill="{colour}">\n'
        '    <rect x="28.8" y="12" width="2.4" height="36"/>\n'
        '    <rect x="8.5" y="15.2" width="43" height="2.4" rx="1.2"/>\n'
        '    <path d="M11 16 L3.6 33 H5.4 L11 19.8 L16.6 33 H18.4 Z"/>\n'
        '    <path d="M49 16 L41.6 33 H43.4 L49 19.8 L54.6 33 H56.4 Z"/>\n'
        '    <path d="M2.5 33 H19.5 A8.5 6 0 0 1 2.5 33 Z"/>\n'
        '    <path d="M40.5 33 H57.5 A8.5 6 0 0 1 40.5 33 Z"/>\n'
        '    <path d="M23 46.5 H37 L39.5 50.5 H20.5 Z"/>\n'
        '    <rect x="16" y="50.5" width="28" height="3.5" rx="1"/>\n'
        "  </g>\n"
        f"{top}"
    )


def logo_sakura_finance() -> str:
    return svg("Sakura Finance", blossom(30, 31, 1.12, "#E06C8C", "#B5173A"))


def logo_sakura_law() -> str:
    return svg("Sakura-dori Law Office", scales("#3A2E5C", blossom(30, 10.5, 0.3, "#E06C8C", "#B5173A")))


def logo_huaxia_credit() -> str:
    rim = f"{circle_path(30, 30, 28)} {circle_path(30, 30, 25)}"
    coin = f"{circle_path(30, 30, 25)} {square_path(30, 30, 8)}"
    frame = f"{square_path(30, 30, 10.5)} {square_path(30, 30, 8)}"
    return svg(
        "Huaxia Credit",
        f'  <path fill="#C99A2E" fill-rule="evenodd" d="{rim}"/>\n'
        f'  <path fill="#B3202A" fill-rule="evenodd" d="{coin}"/>\n'
        f'  <path fill="#C99A2E" fill-rule="evenodd" d="{frame}"/>\n',
    )


def logo_mingli_law() -> str:
    ring = f"{circle_path(30, 30, 29)} {circle_path(30, 30, 26.5)}"
    return svg(
        "Mingli Law Firm",
        f'  <path fill="#1F3A68" fill-rule="evenodd" d="{ring}"/>\n'
        '  <g transform="translate(30 31) scale(0.74) translate(-30 -31)">\n'
        f"{scales('#1F3A68')}"
        "  </g>\n",
    )


def logo_hudson_recovery() -> str:
    navy, teal = "#14365D", "#2A8C9E"
    wave = "q6.5 -5 13 0 t13 0 t13 0 t13 0 v3 q-6.5 5 -13 0 t-13 0 t-13 0 t-13 0 z"
    return svg(
        "Hudson Recovery Services",
        f'  <g fill="{navy}">\n'
        '    <rect x="15" y="12" width="3.2" height="26"/>\n'
        '    <rect x="41.8" y="12" width="3.2" height="26"/>\n'
        '    <rect x="3" y="33" width="54" height="2.6"/>\n'
        '    <path d="M16.6 13 Q30 46 43.4 13 L43.4 15.2 Q30 48.2 16.6 15.2 Z"/>\n'
        '    <path d="M16.6 13 Q11 27 3 31.5 L3 33 Q12 28.5 16.6 15.6 Z"/>\n'
        '    <path d="M43.4 13 Q49 27 57 31.5 L57 33 Q48 28.5 43.4 15.6 Z"/>\n'
        "  </g>\n"
        f'  <g fill="{teal}">\n'
        f'    <path d="M4 43 {wave}"/>\n'
        f'    <path d="M4 50.5 {wave}"/>\n'
        "  </g>\n",
    )


def ribbon(y: float, thickness: float, colour: str) -> str:
    """A river-like S band from left to right, ``thickness`` deep."""
    return (
        f'  <path fill="{colour}" d="M5 {y:g} C21 {y - 15:g} 39 {y + 15:g} 55 {y:g} '
        f'V{y + thickness:g} C39 {y + 15 + thickness:g} 21 {y - 15 + thickness:g} 5 {y + thickness:g} Z"/>\n'
    )


def logo_thames_credit() -> str:
    return svg(
        "Thames Credit Management",
        ribbon(19, 7, "#12355B") + ribbon(30, 5.5, "#2F6FA3") + ribbon(40, 4, "#7FB3D9"),
    )


def logo_whitfield_law() -> str:
    return svg(
        "Whitfield & Crane",
        '  <rect x="1" y="1" width="58" height="58" rx="5" fill="#1B2A4A"/>\n'
        '  <g transform="translate(30 31) scale(0.8) translate(-30 -31)">\n'
        f"{scales('#D1AE4B')}"
        "  </g>\n",
    )


def logo_minato_shinpan() -> str:
    ring = f"{circle_path(30, 30, 28)} {circle_path(30, 30, 25)}"
    return svg(
        "Minato Shinpan",
        f'  <path fill="#0E5A6B" fill-rule="evenodd" d="{ring}"/>\n'
        + ribbon(22, 5, "#0E5A6B")
        + ribbon(32, 4, "#3E9CB0"),
    )


# --------------------------------------------------------------------------------------------------


LOGOS: dict[str, Callable[[], str]] = {
    "sakura-finance": logo_sakura_finance,
    "sakura-law": logo_sakura_law,
    "minato-shinpan": logo_minato_shinpan,
    "huaxia-credit": logo_huaxia_credit,
    "mingli-law": logo_mingli_law,
    "hudson-recovery": logo_hudson_recovery,
    "thames-credit": logo_thames_credit,
    "whitfield-law": logo_whitfield_law,
    "whitfield-law-london": logo_whitfield_law,
}

SEALS: dict[str, Callable[[], Image.Image]] = {
    # 株式会社さくらファイナンス之印: 15 characters, three columns of five, read right to left.
    "sakura-finance": lambda: kakuin(["株式会社さ", "くらファイ", "ナンス之印"], seed=101),
    # The lawyer's 職印: 弁護士 / 高橋誠 / 之印.
    "sakura-law": lambda: kakuin(["弁護士", "高橋誠", "之印"], seed=102),
    # 株式会社みなと信販之印: 11 characters in three columns.
    "minato-shinpan": lambda: kakuin(["株式会", "社みなと", "信販之印"], seed=105),
    "huaxia-credit": lambda: gongzhang("上海华夏信用管理有限公司", seed=103),
    "mingli-law": lambda: gongzhang("上海明理律师事务所", seed=104),
    "hudson-recovery": signature_maria_alvarez,
    "thames-credit": signature_james_whitmore,
    "whitfield-law": signature_daniel_whitfield,
    "whitfield-law-london": signature_daniel_whitfield,
}

# Handwritten signatures of the lawyers who sign letters on a firm's letterhead (``signature`` in
# letterhead.toml), beside the firm's seal: a 律师函 is signed by the lawyer in charge.
SIGNATURES: dict[str, Callable[[], Image.Image]] = {
    "mingli-law": signature_wang_liming,
}

DPI = 240  # 260 px ≈ 27 mm, 420 px ≈ 45 mm: still above 300 dpi at the printed sizes (21 / 38 mm)


def compact_for_print(image: Image.Image) -> Image.Image:
    """Smaller and flatter for PDFs: every letter embeds its seal, so the bytes add up.

    The ink colour is made uniform (the shape lives in the alpha channel alone) and alpha is cut to
    16 levels; at print size the edges stay smooth while the PDF image shrinks from ~38 KB to ~8 KB.
    """
    width = 260 if image.width == image.height else 420
    height = round(image.height * width / image.width)
    alpha = image.getchannel("A").resize((width, height), Image.Resampling.LANCZOS)
    alpha = alpha.point(lambda v: (v // 16) * 17)
    opaque = [px for px in image.getdata() if px[3] > 200] or [(0, 0, 0, 255)]
    ink = tuple(sum(px[i] for px in opaque) // len(opaque) for i in range(3))
    compact = Image.new("RGBA", (width, height), (*ink, 0))
    compact.putalpha(alpha)
    return compact


def main() -> None:
    for name, make_logo in LOGOS.items():
        (HERE / name).mkdir(exist_ok=True)
        (HERE / name / "logo.svg").write_text(make_logo(), encoding="utf-8")
    for name, make_seal in SEALS.items():
        compact_for_print(make_seal()).save(HERE / name / "seal.png", dpi=(DPI, DPI), optimize=True)
        print(f"{name}: logo.svg, seal.png")
    for name, make_signature in SIGNATURES.items():
        compact_for_print(make_signature()).save(HERE / name / "signature.png", dpi=(DPI, DPI), optimize=True)
        print(f"{name}: signature.png")


if __name__ == "__main__":
    main()
