"""The search index: records made from the model, indexed by Pagefind per language in the
staging folder, deterministic."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from scorecard import search
from scorecard.build import build, generate
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
    for language in entry["languages"].values():  # each language's index, written in turn
        assert f"pagefind.{language['hash']}.pf_meta" in bundle
    assert "pagefind.js" in bundle
    assert not [name for name in bundle if name.startswith("pagefind-ui")]  # unused, removed
    assert not [path for path in first.iterdir() if path.name.startswith(".")]  # no leftovers


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
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))  # where the API looks first
    project.replace("data/localities.yaml", "Tỉnh A", "Tỉnh Á")
    with pytest.raises(BuildError) as raised:
        build(project.root, out)
    assert str(raised.value.problems[0]) == (
        "pagefind: search indexing failed: cannot read the pages. "
        "Check that Pagefind is installed: pip install -e ."
    )
    assert files_under(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-new-")]


# --- Records ----------------------------------------------------------------------------------


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: nothing to share")
def test_each_language_is_indexed_on_a_share_of_the_cores(tmp_path, monkeypatch):
    log = tmp_path / "cores.log"
    fake = tmp_path / "fake-pagefind"  # records the cores it may run on, writes an empty index
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$2 $(grep Cpus_allowed_list /proc/self/status | cut -f2)" >> {log}\n'
        'mkdir -p "$4" && echo \'{"version": "1", "languages": {}}\' > "$4/pagefind-entry.json"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    thread = threading.get_native_id()
    before = os.sched_getaffinity(thread)
    (tmp_path / "site").mkdir()
    search.index(tmp_path / "site", tmp_path / "records", ["vi", "en"])
    cores = dict(line.split() for line in log.read_text().splitlines())
    assert sorted(Path(folder).name for folder in cores) == ["en", "vi"]
    vi, en = (_cores(listed) for listed in cores.values())
    assert vi and en and not vi & en and vi | en <= before
    assert os.sched_getaffinity(thread) == before  # this thread is free again


def _cores(listed: str) -> set[int]:
    """'0-1,3' as {0, 1, 3}."""
    cores = set()
    for part in listed.split(","):
        first, _, last = part.partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return cores


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("Huyện Đakrông", "Huyen Dakrong"),
        ("Đô Lương", "Do Luong"),
        ("Tỉnh Quảng Ngãi", "Tinh Quang Ngai"),
    ],
)
def test_plain_is_what_a_reader_types_without_vietnamese_marks(name, typed):
    assert search.plain(name) == typed


def records_of(built) -> dict[str, search.Record]:
    return {record.url: record for record in search.records(built.site, built.catalogues)}


def test_a_record_carries_the_plain_title_and_the_page_type(real_build):
    record = records_of(real_build)["/en/localities/huyen-dakrong/"]
    assert (record.language, record.type, record.title) == ("en", "locality", "Đakrông District")
    document = record.document()
    assert document.startswith('<html lang="en"><body data-pagefind-meta="type:locality">')
    assert "<h1>Đakrông District</h1>" in document
    assert 'data-plain="Dakrong District"' in document


def test_a_locality_is_found_by_its_level_parents_and_the_units_it_became(project):
    project.write(
        "content/localities/huyen-b.en.md",
        "---\nsummary: In short.\n---\n\n## Results\n\n"
        "The district piloted **digital** one-stop shops ([report](https://example.org/r)).\n",
    )
    records = records_of(generate(project.root))
    former = records["/en/localities/huyen-b/"].body
    assert "District level · former unit · part of A Province" in former
    assert "Its territory is now part of: Cê Commune" in former
    assert "<p>In short.</p>" in former  # the narrative's summary, not its whole text
    assert "piloted" not in former
    assert "Formed from: Bà District" in records["/en/localities/xa-c/"].body
    assert "Huyện Bà" in records["/localities/xa-c/"].body  # each language in its own words


def test_records_leave_out_the_tables_of_figures(project):
    built = generate(project.root)
    bodies = " ".join(record.body for record in records_of(built).values())
    for obs in built.site.observations:
        assert obs.quote not in bodies


def test_indicators_sources_and_pages_have_their_records(project):
    records = records_of(generate(project.root))
    indicator = records["/en/indicators/fibre/"]
    assert (indicator.type, indicator.title) == ("indicator", "Households with fibre")
    assert "Digital infrastructure" in indicator.body and "Share of households" in indicator.body
    sources = records["/sources/"]
    assert sources.type == "source"
    # each source a heading with its anchor (a sub-result), its plain title indexed
    assert '<h2 id="qd-411" data-pagefind-index-attrs="data-plain"' in sources.body
    assert 'data-plain="Quyet dinh 411/QD-TTg"' in sources.body
    assert "Thủ tướng Chính phủ" in sources.body
    assert records["/en/about/"].type == records["/methodology/"].type == "page"


def test_the_digest_changes_with_the_records_only(project):
    first = search.digest(records_of(generate(project.root)).values())
    assert search.digest(records_of(generate(project.root)).values()) == first
    project.replace("data/observations/huyen-b.yaml", "value: 12", "value: 13")
    assert search.digest(records_of(generate(project.root)).values()) == first  # a figure
    project.replace("data/localities.yaml", "Xã Cê", "Xã Xê")
    assert search.digest(records_of(generate(project.root)).values()) != first
