"""The search index: built by Pagefind in the staging folder, per language, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorecard import search
from scorecard.build import build
from scorecard.errors import BuildError


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_index_is_built_per_language_and_byte_identical_across_builds(project, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(project.root, first)
    build(project.root, second)
    bundle = files_under(first / "pagefind")
    assert bundle == files_under(second / "pagefind")
    entry = json.loads(bundle["pagefind-entry.json"])
    assert sorted(entry["languages"]) == ["en", "vi"]
    assert entry["languages"]["vi"]["page_count"] == entry["languages"]["en"]["page_count"]
    assert "pagefind.js" in bundle
    assert not [name for name in bundle if name.startswith("pagefind-ui")]  # unused, removed


def test_only_localities_indicators_sources_and_pages_are_indexed(project, tmp_path):
    build(project.root, tmp_path / "site")
    entry = json.loads((tmp_path / "site/pagefind/pagefind-entry.json").read_text())
    # tiny project: 3 localities, 2 indicators, sources, about, methodology
    assert entry["languages"]["vi"]["page_count"] == 3 + 2 + 1 + 2


def test_a_failed_index_leaves_the_previous_site_in_place(project, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(project.root, out)
    before = files_under(out)
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'cannot read the pages' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "get_executable", lambda: failing)
    project.replace("data/localities.yaml", "Tỉnh A", "Tỉnh Á")
    with pytest.raises(BuildError) as raised:
        build(project.root, out)
    assert str(raised.value.problems[0]) == (
        "pagefind: search indexing failed: cannot read the pages. Check the pages' HTML."
    )
    assert files_under(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-new-")]
