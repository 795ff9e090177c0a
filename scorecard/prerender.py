"""Charts drawn to SVG at build time with vl-convert, for readers without JavaScript.

vl-convert takes half a second to start and tens of milliseconds per chart, so every SVG is
cached by a hash of its spec: in memory for `serve`, and on disk across builds, in the user's
cache folder (`~/.cache/scorecard/charts/`, or `$SCORECARD_CACHE`), outside the site and the
checkout. The hash covers vl-convert's version, so a stale SVG is never reused.

Only the overview's and indicator pages' charts are drawn, so the number of SVGs does not grow
with the number of localities. Without vl-convert the site still builds:
those charts then show their table to readers without JavaScript, and the build says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import diskcache, drawing
from .charts import STATIC_WIDTH, Chart, Charts

# vl-convert resolves relative links against Vega's default base URL; the site's are relative.
_BASE_URL = re.compile(r'(xlink:href|href)="https://vega\.github\.io/vega-datasets/')
UNUSED_FOR = 30 * 24 * 3600  # s
_memory: dict[str, str] = {}


@dataclass(frozen=True)
class Drawn:
    charts: Charts
    notices: tuple[str, ...]
    drawn: int
    """SVGs vl-convert drew in this build; the others came from a cache."""


def prerender(charts: Charts, cache: Path, draw: bool = True) -> Drawn:
    """`charts` with the SVG of every chart marked `prerender`; without `draw`, only the SVGs
    drawn before (in memory or in the cache): `serve` shows an edit at once, and draws after."""
    try:
        import vl_convert
    except ImportError:
        notice = (
            "vl-convert is not installed: the overview's and indicator pages' charts have no "
            "SVG for readers without JavaScript (they still get each chart's table). "
            "Install it with: python -m pip install vl-convert-python"
        )
        return Drawn(charts, (notice,), 0)
    engine = f"vl-convert {vl_convert.__version__} vega-lite {drawing.VEGA_LITE}"
    to_draw = [
        (page, name, _static(chart))
        for page, found in charts.items()
        for name, chart in found.items()
        if chart.prerender
    ]
    keys = {static: _key(static, engine) for _, _, static in to_draw}
    missing = {key: static for static, key in keys.items() if key not in _memory}
    for key in list(missing):
        if (svg := _read(cache, key)) is not None:
            _memory[key] = svg
            del missing[key]
    if not draw:
        missing = {}
    if missing:
        _forget_unused(cache)
    svgs = drawing.draw([("svg", json.loads(static)) for static in missing.values()])
    for key, svg in zip(missing, svgs, strict=True):
        _memory[key] = _BASE_URL.sub(r'\1="', svg)
        diskcache.write(cache / f"{key}.svg", _memory[key].encode())
    filled = {page: dict(found) for page, found in charts.items()}
    for page, name, static in to_draw:
        if (svg := _memory.get(keys[static])) is not None:
            filled[page][name] = dataclasses.replace(filled[page][name], svg=svg)
    return Drawn(filled, (), len(missing))


def cache_folder() -> Path:
    if folder := os.environ.get("SCORECARD_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scorecard" / "charts"


def _static(chart: Chart) -> str:
    """The spec as vl-convert draws it: no container to fit, so a fixed width."""
    spec = chart.spec
    if spec.get("width") == "container":
        spec = {**spec, "width": STATIC_WIDTH}
    return json.dumps(spec, ensure_ascii=False, sort_keys=True)


def _key(static: str, engine: str) -> str:
    return hashlib.sha256(f"{engine}\n{static}".encode()).hexdigest()


def _read(cache: Path, key: str) -> str | None:
    path = cache / f"{key}.svg"
    svg = diskcache.read(path)
    if svg is None:
        return None
    with contextlib.suppress(OSError):  # still in use: see _forget_unused
        os.utime(path)
    return svg.decode()


def _forget_unused(cache: Path) -> None:
    """SVGs no build used for a month, and chart types made by an older altair or
    charttypes.py (read, not touched, by a build): the cache grows only by what changed."""
    month_ago = time.time() - UNUSED_FOR
    for path in (*cache.glob("*.svg"), *cache.glob("type-*.json")):
        try:
            if path.stat().st_mtime < month_ago:
                path.unlink()
        except OSError:
            pass
