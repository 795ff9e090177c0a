"""Lines of text in DejaVu Sans for the preview images: measured, cut or wrapped to a width, and
drawn as SVG paths of the font's own outlines.

resvg, which draws the previews, reads the font file again for each glyph of an SVG <text>
(1,650 times for a province's preview on Linux: 40 of its 60 ms). Paths it draws in a third of
that time. They are placed with the font's advances and kerning pairs, the same numbers the
text was measured with, so what fits on paper fits in the image.

A line with a character DejaVu Sans lacks, or every line if the font is not installed, stays an
SVG <text> for resvg to draw from another font, measured with a guess.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from markupsafe import Markup

FAMILY = "DejaVu Sans"  # Debian's fonts-dejavu-core: has every Vietnamese letter
FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
    Path.home() / "Library/Fonts",
)
"""Where resvg finds the fonts a <text> asks for, on Linux and macOS."""
ELLIPSIS = "…"


class Face:
    """One weight of the font: the width of a line of text, and its outlines."""

    def __init__(self, weight: str, path: Path | None):
        self.weight = weight
        self.per_em = 1000
        self.glyph: dict[str, str] = {}
        """The glyph's name of each character the font has."""
        self.advance: dict[str, int] = {}
        """By glyph name, in font units (`per_em` to the em)."""
        self.kerning: dict[tuple[str, str], int] = {}
        self.unknown = 650
        """The width of a character the font lacks: another font's, guessed."""
        self.name = f"no {FILES[weight]}"
        self._outlines: dict[str, str] = {}
        self._glyph_set: Any = None  # fontTools' outlines, once read
        if path is not None:
            self._read(path)

    def _read(self, path: Path) -> None:
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(path.read_bytes()), lazy=True)  # its outlines read later
        self.per_em = font["head"].unitsPerEm
        self.glyph = {chr(code): name for code, name in font.getBestCmap().items()}
        self.advance = {name: width for name, (width, _) in font["hmtx"].metrics.items()}
        if "kern" in font:
            self.kerning = dict(font["kern"].kernTables[0].kernTable)
        self.unknown = self.per_em  # as wide as a CJK character, the widest likely
        self.name = f"{path.name} {font['head'].fontRevision:.3f}"
        self._glyph_set = font.getGlyphSet()

    def steps(self, text: str) -> list[int]:
        """Font units from the start of each character to the next: advance and kerning."""
        steps: list[int] = []
        previous = None
        for char in text:
            name = self.glyph.get(char)
            if name is None:
                steps.append(self.unknown)
            else:
                if steps and previous is not None:
                    steps[-1] += self.kerning.get((previous, name), 0)
                steps.append(self.advance[name])
            previous = name
        return steps

    def width(self, text: str, size: float) -> float:
        """In px, at `size` px to the em."""
        return sum(self.steps(text)) * size / self.per_em

    def fit(self, text: str, size: float, room: float) -> str:
        """`text`, or as much of it as fits `room` px followed by '…'."""
        if self.width(text, size) <= room:
            return text
        fits, used = 0, 0  # about as many characters as fit: a long text is not tried whole
        for step in self.steps(text):
            used += step
            if used > room * self.per_em / size:
                break
            fits += 1
        for end in range(fits + 1, 0, -1):
            cut = text[:end].rstrip() + ELLIPSIS
            if self.width(cut, size) <= room:
                return cut
        return ELLIPSIS

    def wrap(self, text: str, size: float, room: float, most: int) -> list[str]:
        """`text` in lines of at most `room` px, broken between words; at most `most` lines,
        the last one cut with '…' if the text goes on."""
        lines: list[str] = []
        for word in text.split():
            if lines and self.width(f"{lines[-1]} {word}", size) <= room:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        kept = lines[: most - 1] + [" ".join(lines[most - 1 :])] if len(lines) > most else lines
        return [self.fit(line, size, room) for line in kept]

    def draw(self, text: str, x: float, y: float, size: float, anchor: str = "start") -> Markup:
        """SVG of `text` starting at `x` (ending there, with anchor 'end'), its baseline at
        `y`, in the colour of the element around it."""
        if any(char not in self.glyph for char in text):
            return self._text(text, x, y, size, anchor)
        steps = self.steps(text)
        if anchor == "end":
            x -= sum(steps) * size / self.per_em
        paths, offset = [], 0
        for char, step in zip(text, steps, strict=True):
            if outline := self._outline(self.glyph[char]):
                paths.append(f'<path transform="translate({offset})" d="{outline}"/>')
            offset += step
        scale = f"{size / self.per_em:.6g}"
        return Markup(
            f'<g aria-label="{Markup.escape(text)}" '
            f'transform="translate({round(x, 1)} {round(y, 1)}) scale({scale} -{scale})">'
            f"{''.join(paths)}</g>"
        )

    def _text(self, text: str, x: float, y: float, size: float, anchor: str) -> Markup:
        """For resvg to set in whichever font has the characters."""
        weight = "bold" if self.weight == "bold" else "normal"
        return Markup(
            '<text x="{}" y="{}" font-family="{}" font-size="{}" font-weight="{}" '
            'text-anchor="{}">{}</text>'
        ).format(x, y, FAMILY, size, weight, anchor, text)

    def _outline(self, name: str) -> str:
        """The glyph's outline as path data, in font units, y upwards."""
        outline = self._outlines.get(name)
        if outline is None:
            from fontTools.pens.svgPathPen import SVGPathPen

            pen = SVGPathPen(self._glyph_set)
            self._glyph_set[name].draw(pen)
            outline = self._outlines[name] = pen.getCommands()
        return outline


@functools.cache
def face(weight: str) -> Face:
    """'regular' or 'bold', read once per process."""
    return Face(weight, _find(FILES[weight]))


def _find(name: str) -> Path | None:
    for folder in FOLDERS:
        if folder.is_dir() and (found := sorted(folder.rglob(name))):
            return found[0]
    return None


def missing() -> list[str]:
    """The font files not installed."""
    return [name for weight, name in FILES.items() if face(weight).name == f"no {name}"]
