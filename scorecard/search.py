"""Search: what the pages tell Pagefind, and the Pagefind step that indexes the built site.

Pagefind reads the written HTML, so it runs on the staging folder just before the swap
(`write.write(..., finish=index)`): a failed index leaves the previous site in place. It splits
the index by `<html lang>`, so each language searches only its own pages, offline.

Pagefind folds tone marks ("quang tri" finds "Quảng Trị") but Đ is a letter of its own, not a
D with a mark, so "dakrong" would miss "Đakrông". Each indexed page therefore carries the plain
form of its title in an attribute Pagefind indexes (`data-plain`), unseen and unread by
screen readers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

from pagefind_bin import get_executable

from .errors import BuildError, Problem

BUNDLE = "pagefind"
"""Folder of the search bundle in the site; the search page loads `pagefind/pagefind.js`."""

UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces, which the site does not load."""

SEARCHABLE = {
    "locality.html": "locality",
    "indicator.html": "indicator",
    "sources.html": "source",
    "page.html": "page",
}
"""Templates whose pages are indexed, with the result type shown to readers. The overview and
compare pages list every locality, so they would crowd every result list."""


def plain(text: str) -> str:
    """'Huyện Đakrông' → 'Huyen Dakrong': what a reader types without Vietnamese input."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def index(site: Path) -> None:
    """Write the Pagefind bundle into `site`/pagefind from the HTML already written there."""
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # `serve` re-indexes in place: no stale fragments
    run = subprocess.run(
        [str(get_executable()), "--site", str(site), "--output-subdir", BUNDLE, "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        detail = " ".join((run.stderr or run.stdout).split())
        raise BuildError(
            [Problem(BUNDLE, 0, f"search indexing failed: {detail}. Check the pages' HTML.")]
        )
    _sort_entry(bundle / "pagefind-entry.json")
    for unused in UNUSED:  # the site has its own search page (static/search.js)
        for path in bundle.glob(unused):
            path.unlink()


def _sort_entry(path: Path) -> None:
    """Pagefind lists languages in hash-map order; sorted, two builds are byte-identical."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )
