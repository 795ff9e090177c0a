"""Preview images for links shared on social networks and chat apps (OpenGraph, Twitter cards).

A locality with percentage figures gets a PNG of its scorecard: its latest figures as bars, with
the national target marked. Every other page shares one site-wide image per language.

Each image is an SVG made from templates/preview.svg and drawn to PNG by resvg (inside
vl-convert) at build time, in about 20 ms. The template says how the image looks; this module
says where each piece goes and sets the text (`glyphs`), cut with "…" where it would not fit.
PNGs are cached by the SVG's hash, so a rebuild only draws what changed. Only localities with
figures get their own image: at country scale most of the 15,000 units have none.
"""

from __future__ import annotations

import copy
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import vl_convert
from markupsafe import Markup

from . import diskcache, glyphs
from .i18n import Locale
from .model import Site
from .score import Scores
from .templatecache import new_environment

WIDTH, HEIGHT = 1200, 630  # the size OpenGraph and Twitter's large card display
MOST_BARS = 8
MOST_IMAGES = 200
"""Most units with an image each, beyond which only provinces get one: a country's 6,000 units
with figures, in both languages, would add four minutes to every cold build."""
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""The generator's own templates, for callers that do not name a project's."""

PAD = 48  # px around the image's content
ROOM = WIDTH - 2 * PAD
TITLE, SUBTITLE, LINE = 48, 24, 34  # px: font sizes, and the subtitle's line height
MEASURE, MOST_LINES = 960, 4  # px, lines: the site's description, about 75 letters a line
LABEL, LABEL_ROOM, GAP, TICK = 20, 470, 12, 4  # px: a bar's label, its most width, gaps, tick
MOST_STEP = 60  # px from bar to bar: a unit with one figure gets a bar, not a block
NUMBER, COUNT_LABEL = 120, 32  # px: the site image's counts and their labels


@dataclass(frozen=True)
class Preview:
    path: str
    """Under the site root: 'previews/huyen-dakrong.vi.png'."""
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


class Previews:
    """Which image each page shares, and the images themselves."""

    def __init__(self, site: Site, scores: Scores):
        self.site = site
        self.scores = scores
        self.with_bars = sum(map(self._has_bars, site.localities))
        self.every_unit = self.with_bars <= MOST_IMAGES

    def after(self, site: Site, scores: Scores, localities: set[str]) -> Previews:
        """The same once the figures of `localities` changed to `scores` (for `serve`): only
        theirs are looked at again, not every unit's."""
        updated = copy.copy(self)
        updated.site, updated.scores = site, scores
        updated.with_bars += sum(map(updated._has_bars, localities))
        updated.with_bars -= sum(map(self._has_bars, localities))
        updated.every_unit = updated.with_bars <= MOST_IMAGES
        return updated

    def has_image(self, locality_id: str) -> bool:
        """Its own image: a unit with percentages, while few units have them; beyond that, a
        province of today (the pages most shared)."""
        locality = self.site.localities[locality_id]
        if not (self.every_unit or (locality.level == "province" and locality.exists)):
            return False
        return self._has_bars(locality_id)

    def _has_bars(self, locality_id: str) -> bool:
        latest = self.scores.localities[locality_id].latest
        return any(self.site.indicators[ind].unit == "percent" for ind in latest)

    def of(self, page: Any, lang: Locale) -> Preview:
        """The image a page shares; `page` is a render.Page."""
        locality = page.context.get("locality") if page.template == "locality.html" else None
        if locality is not None and self.has_image(locality.id):
            return Preview(
                f"previews/{locality.id}.{lang.code}.png",
                lang.t("preview.locality", name=lang.text(locality.name)),
            )
        return Preview(f"previews/site.{lang.code}.png", lang.text(self.site.config.title))

    def images(
        self, locales: dict[str, Locale], cache: Path | None = None, templates: Path = TEMPLATES
    ) -> dict[str, bytes]:
        """Every preview PNG by output path; `cache` keeps them on disk across builds."""
        return draw(self.svgs(locales, templates), cache)

    def svgs(self, locales: dict[str, Locale], templates: Path = TEMPLATES) -> dict[str, str]:
        """The SVG of every preview, by the path of its PNG."""
        template = _template(templates)
        svgs = {}
        for code, lang in locales.items():
            svgs[f"previews/site.{code}.png"] = template.render(self.site_layout(lang))
            for locality_id in self.site.localities:
                if self.has_image(locality_id):
                    layout = self.locality_layout(locality_id, lang)
                    svgs[f"previews/{locality_id}.{code}.png"] = template.render(layout)
        return svgs

    def locality_layout(self, locality_id: str, lang: Locale) -> dict:
        """What templates/preview.svg draws for a locality: its latest percentages as bars."""
        site, result = self.site, self.scores.localities[locality_id]
        figures = []
        for indicator in site.indicators.values():  # catalogue order: pillar by pillar
            obs = result.latest.get(indicator.id)
            if obs is None or indicator.unit != "percent" or obs.value is None:
                continue
            figures.append(
                Figure(
                    lang.text(indicator.name),
                    obs.value,
                    lang.qualified(obs.value, "percent", obs.qualifier),
                    indicator.target.value if indicator.target else None,
                )
            )
        more = len(figures) - MOST_BARS
        subtitle = [lang.text(site.config.title)]
        if more > 0:
            subtitle.append(lang.t("preview.more", count=lang.number(more)))
        title, lines, top = _heading(lang.text(site.localities[locality_id].name), subtitle)
        return _layout(title, lines, bars=_bars(figures[:MOST_BARS], top))

    def site_layout(self, lang: Locale) -> dict:
        """What templates/preview.svg draws for every other page: the site's size in numbers."""
        site = self.site
        regular = glyphs.face("regular")
        description = _clean(lang.text(site.config.description))
        title, lines, _ = _heading(
            lang.text(site.config.title), regular.wrap(description, SUBTITLE, MEASURE, MOST_LINES)
        )
        counts = [
            (lang.number(len(site.localities)), lang.t("preview.localities")),
            (lang.number(len(site.observations)), lang.t("preview.figures")),
            (lang.number(len(site.sources)), lang.t("preview.sources")),
        ]
        return _layout(title, lines, counts=_counts(counts))


@dataclass(frozen=True)
class Figure:
    """A locality's latest percentage of an indicator, as a bar shows it."""

    label: str
    value: float
    text: str
    """The value as the page writes it: 'khoảng 9%'."""
    target: float | None


@dataclass(frozen=True)
class Text:
    """One line of text, cut to fit: `x` where it starts (ends, with `anchor` 'end'), `y` its
    baseline."""

    x: float
    y: float
    size: int
    text: str
    weight: str = "regular"
    anchor: str = "start"

    @property
    def svg(self) -> Markup:
        return glyphs.face(self.weight).draw(self.text, self.x, self.y, self.size, self.anchor)


def _text(
    x: float,
    y: float,
    size: int,
    text: str,
    room: float,
    weight: str = "regular",
    anchor: str = "start",
) -> Text:
    """A `Text` of `text` cut to `room` px."""
    fitted = glyphs.face(weight).fit(_clean(text), size, room)
    return Text(_px(x), _px(y), size, fitted, weight, anchor)


@dataclass(frozen=True)
class Bar:
    """A figure: its label, a 0-100 % track from `x` with the value's bar and the target's tick
    on it (`target` its left edge, None without a target), and the figure as text after it."""

    label: Text
    x: float
    y: float
    height: float
    track: float
    value: float
    target: float | None
    text: Text
    tick: int = TICK


@dataclass(frozen=True)
class Count:
    number: Text
    label: Text


def _layout(
    title: Text, subtitle: list[Text], bars: Sequence[Bar] = (), counts: Sequence[Count] = ()
) -> dict:
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "title": title,
        "subtitle": subtitle,
        "bars": list(bars),
        "counts": list(counts),
    }


def _heading(title: str, subtitle: list[str]) -> tuple[Text, list[Text], float]:
    """The title and the lines under it, each cut to the width, and where what follows starts."""
    baseline = PAD + 38  # an accent on a capital touches the padding
    lines = [
        _text(PAD, baseline + 32 + LINE * index, SUBTITLE, line, ROOM)
        for index, line in enumerate(subtitle)
    ]
    heading = _text(PAD, baseline, TITLE, title, ROOM, "bold")
    return heading, lines, (lines[-1].y if lines else baseline) + 29


def _bars(figures: list[Figure], top: float) -> list[Bar]:
    """A bar for each figure, from `top` down to the padding at most, under one another."""
    if not figures:
        return []
    labels = [_clean(figure.label) for figure in figures]
    regular, bold = glyphs.face("regular"), glyphs.face("bold")
    widest_label = max(
        regular.width(regular.fit(label, LABEL, LABEL_ROOM), LABEL) for label in labels
    )
    widest_text = max(bold.width(_clean(figure.text), LABEL) for figure in figures)
    x = PAD + widest_label + GAP
    # 100 % at four fifths of the rest, as Vega-Lite drew it, unless a figure would not fit after
    full = min((WIDTH - PAD - x) * 0.8, WIDTH - PAD - GAP - widest_text - x)
    step = min((HEIGHT - PAD - top) / len(figures), MOST_STEP)
    height = step * 0.9
    bars = []
    for index, (figure, label) in enumerate(zip(figures, labels, strict=True)):
        y = top + step * index + (step - height) / 2
        baseline = y + height / 2 + 0.36 * LABEL  # capitals centred on the bar
        target = figure.target
        bars.append(
            Bar(
                label=_text(x - GAP, baseline, LABEL, label, LABEL_ROOM, anchor="end"),
                x=_px(x),
                y=_px(y),
                height=_px(height),
                track=_px(full),
                value=_px(full * _share(figure.value)),
                target=None if target is None else _px(x + full * _share(target) - TICK / 2),
                text=_text(x + full + GAP, baseline, LABEL, figure.text, ROOM, "bold"),
            )
        )
    return bars


def _counts(counts: list[tuple[str, str]]) -> list[Count]:
    """(number, label) side by side, each number big over its label: one size for all, small
    enough for the widest to leave a fifth of its column blank (a country's '103.951' would
    run into the next at full size, and read as one number with it just short of that)."""
    column = ROOM / len(counts)
    widest = max(glyphs.face("bold").width(number, NUMBER) for number, _ in counts)
    size = min(NUMBER, int(NUMBER * column * 0.8 / widest))
    return [
        Count(
            number=_text(PAD + column * index, 437, size, number, column, "bold"),
            label=_text(PAD + column * index, 506, COUNT_LABEL, label, column - 2 * GAP),
        )
        for index, (number, label) in enumerate(counts)
    ]


def _share(percent: float) -> float:
    return min(max(percent, 0.0), 100.0) / 100


def _px(value: float) -> float:
    """Rounded, so the same layout always writes the same SVG."""
    return round(value, 1)


def _clean(text: str) -> str:
    """Spaces collapsed, as SVG shows them; letters composed, as the font has them ('ệ' one
    glyph, not 'e' and two accents)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def notices() -> tuple[str, ...]:
    """What the build should say about the preview images: whether their font is missing."""
    missing = glyphs.missing()
    if not missing:
        return ()
    return (
        f"the font {glyphs.FAMILY} ({', '.join(missing)}) is not installed: the preview "
        "images' text is drawn in another font and may be cut short or run over. Install it "
        "(on Debian: apt-get install fonts-dejavu-core) and build again.",
    )


_environments: dict[Path, jinja2.Environment] = {}


def _template(templates: Path) -> jinja2.Template:
    """templates/preview.svg, autoescaped: a '&' or '<' in a name stays text in the SVG."""
    env = _environments.get(templates)
    if env is None:
        env = _environments[templates] = new_environment(templates)
    return env.get_template("preview.svg")


_drawn: dict[str, bytes] = {}
"""PNG by SVG hash, for `serve`: a rebuild draws only the images whose data changed."""


def draw(svgs: dict[str, str], cache: Path | None) -> dict[str, bytes]:
    """PNG of each SVG, from memory, the disk cache, or resvg (about 20 ms each)."""
    fonts = ", ".join(glyphs.face(weight).name for weight in glyphs.FILES)
    engine = f"vl-convert {vl_convert.__version__}, {fonts}"
    keys = {path: _key(svg, engine) for path, svg in svgs.items()}
    missing = {}
    for path, key in keys.items():
        if key in _drawn:
            continue
        if cache is not None and (cached := diskcache.read(cache / f"{key}.png")) is not None:
            _drawn[key] = cached
        else:
            missing[key] = svgs[path]
    # drawn in this process: a worker takes longer to start than most builds' images to draw
    # (resvg, unlike vl-convert's Vega, runs no engine a fork could not inherit)
    for key, svg in missing.items():
        _drawn[key] = png = bytes(vl_convert.svg_to_png(svg, scale=1))
        if cache is not None:
            diskcache.write(cache / f"{key}.png", png)
    return {path: _drawn[key] for path, key in keys.items()}


def _key(svg: str, engine: str) -> str:
    return hashlib.sha256(f"{engine}\n{svg}".encode()).hexdigest()
