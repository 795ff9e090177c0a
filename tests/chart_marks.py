"""What a chart must draw, from the rows of its own spec: shared by the Python and browser tests.

Each layer of a chart is named (scorecard/charttypes.py `_named`), so its marks are the children of
`g.<name>_marks` in the SVG, whether vl-convert drew it at build time or vega-embed in the page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def expected_marks(kind: str, rows: list[dict]) -> dict[str, int]:
    """How many marks of each named layer the chart's rows call for."""
    if kind == "bars":
        return {
            "bar": sum(row["value"] is not None for row in rows),
            "target": sum(row["target"] is not None for row in rows),
            "qualifier": sum(bool(row["qualifier"]) and row["value"] is not None for row in rows),
            "label": len(rows),
            "figure": len(rows),
        }
    if kind == "disclosure":
        return dict.fromkeys(("track", "published", "label", "figure"), len(rows))
    if kind == "trend":
        has_target = any(row["target"] is not None for row in rows)
        return {"line": 1, "point": len(rows), "value": len(rows), "target": int(has_target)}
    if kind == "matrix":
        return {"cell": len(rows), "icon": len(rows)}
    raise AssertionError(f"unknown chart kind {kind}")


def expected_texts(kind: str, rows: list[dict]) -> tuple[str, list[str]]:
    """A text layer and the words it must show, sorted."""
    layer, field = {
        "bars": ("figure", "shown"),
        "disclosure": ("figure", "value_text"),
        "trend": ("value", "value_text"),
        "matrix": ("icon", "icon"),
    }[kind]
    return layer, sorted(row[field] for row in rows)


def marks_in_svg(svg: str) -> dict[str, int]:
    """Marks per named layer in an SVG string (direct children of each `<name>_marks` group)."""
    root = ElementTree.fromstring(svg)
    counts: dict[str, int] = {}
    for group in root.iter(SVG + "g"):
        match = re.search(r"\brole-mark\b.*?\b(\w+)_marks\b", group.get("class", ""))
        if match:
            counts[match[1]] = counts.get(match[1], 0) + len(group)
    return counts


def texts_in_svg(svg: str, layer: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    for group in root.iter(SVG + "g"):
        if f"{layer}_marks" in group.get("class", "").split():
            return sorted("".join(text.itertext()) for text in group.iter(SVG + "text"))
    return []
