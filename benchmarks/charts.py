"""What the charts cost, on the real site: prints figures, asserts nothing.

    python benchmarks/charts.py

Measures, in this order: building each chart type with altair and turning it into a dict (with
and without schema validation); making every page's specs; vl-convert's start and the time per
SVG; the SVG cache in memory and on disk; and the full build (`generate`) with the charts and
without them (the charts stage replaced by nothing), cold and warm.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import altair as alt  # noqa: E402

from scorecard import build, charts, charttypes, drawing, i18n, prerender  # noqa: E402
from scorecard.load import load  # noqa: E402
from scorecard.score import score  # noqa: E402
from scorecard.validate import validate  # noqa: E402


def timed(function, repeat: int = 5) -> tuple[float, object]:
    """Median wall time in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    raw = load(ROOT)
    site = validate(raw)
    scores = score(site)
    catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
    print(f"real site: {len(site.localities)} localities, {len(site.indicators)} indicators")

    print("\n-- altair: each chart type, built once per process")
    for kind, make in charttypes.TYPES.items():
        ms, _ = timed(make)
        print(f"{kind:>11}: build + to_dict(validate=False) {ms:6.1f} ms")
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q")
    layered = alt.layer(chart, chart.mark_rule(), chart.mark_text(text="x"))
    unchecked, _ = timed(lambda: layered.to_dict(validate=False), 20)
    checked, _ = timed(lambda: layered.to_dict(), 20)
    print(f"to_dict of a 3-layer chart: {unchecked:.2f} ms unvalidated, {checked:.2f} ms validated")

    print("\n-- specs of every page (templates filled in with each page's rows)")
    folder = prerender.cache_folder
    with tempfile.TemporaryDirectory() as empty:
        prerender.cache_folder = lambda: Path(empty)  # no chart type cached yet
        charttypes.chart_type.cache_clear()
        charttypes.localized.cache_clear()
        cold, found = timed(lambda: charts.charts(site, scores, catalogues), 1)
        charttypes.chart_type.cache_clear()  # as in the next process
        charttypes.localized.cache_clear()
        cached, found = timed(lambda: charts.charts(site, scores, catalogues), 1)
    prerender.cache_folder = folder
    warm, found = timed(lambda: charts.charts(site, scores, catalogues))
    count = sum(len(page) for page in found.values())
    static = sum(c.prerender for page in found.values() for c in page.values())
    print(f"{count} charts on {len(found)} pages ({static} drawn at build time)")
    print(f"first call {cold:.0f} ms (altair builds the types), {cached:.0f} ms in the next "
          f"process (types from the cache), then {warm:.1f} ms: "
          f"{warm / count * 1000:.0f} µs per chart")  # fmt: skip

    print("\n-- vl-convert: SVGs drawn at build time")
    import vl_convert

    started = time.perf_counter()
    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}}, vl_version="6.4")
    print(f"engine start: {(time.perf_counter() - started) * 1000:.0f} ms")
    per_chart = []
    for page in found.values():
        for c in page.values():
            if c.prerender:
                ms, _ = timed(
                    lambda c=c: drawing.draw_one(("svg", json.loads(prerender._static(c)))), 1
                )
                per_chart.append((ms, c.kind, len(c.spec["data"]["values"])))
    for kind in sorted({kind for _, kind, _ in per_chart}):
        times = [ms for ms, k, _ in per_chart if k == kind]
        rows = [n for _, k, n in per_chart if k == kind]
        print(f"{kind:>7}: {len(times)} SVGs, median {statistics.median(times):.0f} ms, "
              f"max {max(times):.0f} ms (rows {min(rows)}–{max(rows)})")  # fmt: skip
    with tempfile.TemporaryDirectory() as cache:
        prerender._memory.clear()
        cold, drawn = timed(lambda: prerender.prerender(found, Path(cache)), 1)
        print(f"all {drawn.drawn} distinct SVGs through prerender: {cold:.0f} ms")
        memory, drawn = timed(lambda: prerender.prerender(found, Path(cache)))
        print(f"again, from memory: {memory:.1f} ms (drawn {drawn.drawn})")
        prerender._memory.clear()
        disk, drawn = timed(lambda: prerender.prerender(found, Path(cache)), 1)
        print(f"again, from disk: {disk:.1f} ms (drawn {drawn.drawn})")

    print("\n-- full build in memory (generate), this site")
    with tempfile.TemporaryDirectory() as cache:
        prerender._memory.clear()
        prerender.cache_folder = lambda: Path(cache)  # a cold disk cache
        cold, _ = timed(lambda: build.generate(ROOT), 1)
        warm, _ = timed(lambda: build.generate(ROOT), 3)
        build.charts = lambda *args, **kwargs: {}  # as before the charts: no stage, no chart
        charts.locality_charts = lambda *args, **kwargs: {}
        none, _ = timed(lambda: build.generate(ROOT), 3)
    print(f"with charts, cold caches: {cold:.0f} ms; warm: {warm:.0f} ms; "
          f"without any chart: {none:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
