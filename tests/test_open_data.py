"""Open data, citation, corrections, feeds, sitemap and sharing: what the public reuses."""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import frictionless
import pytest
import yaml

from scorecard import feeds, i18n, public
from scorecard.build import generate
from scorecard.export import CSV_COLUMNS
from scorecard.i18n import Locale
from scorecard.score import province_of

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self, html: bytes):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html.decode())

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def meta(self, name: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "meta" and name in (attrs.get("property"), attrs.get("name")):
                return attrs.get("content")
        return None

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and "href" in attrs]

    @property
    def content(self) -> str:
        return " ".join(" ".join(self.text).split())


def tags(built, path: str) -> Tags:
    return Tags(built.files[path])


def html_pages(built) -> list[str]:
    return sorted(path for path in built.files if path.endswith(".html"))


@pytest.fixture(scope="module")
def published(real_build, tmp_path_factory) -> Path:
    """The data folder as published."""
    out = tmp_path_factory.mktemp("published")
    for path, content in real_build.files.items():
        if path.startswith("data/"):
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return out / "data"


# --- The data package -----------------------------------------------------------------------


def test_the_data_package_validates_with_frictionless(published):
    report = frictionless.validate(str(published / "datapackage.json"))
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, problems
    # and as a reuser would check it, with the command line
    run = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "datapackage.json"],
        cwd=published,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_changed_figure_fails_validation(published, tmp_path):
    """The package carries each file's hash, so a download that was altered is caught."""
    copy = shutil.copytree(published, tmp_path / "data")
    target = copy / "localities" / "huyen-dakrong.csv"
    target.write_text(target.read_text(encoding="utf-8").replace(",79,", ",78,", 1), "utf-8")
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert {error.type for task in report.tasks for error in task.errors} == {"hash-count"}


def test_a_value_outside_the_shared_schema_fails_validation(published, tmp_path):
    """Every CSV resource names the one Table Schema file by its path, and is checked against it."""
    copy = shutil.copytree(published, tmp_path / "data")
    target = copy / "localities" / "huyen-dakrong.csv"
    target.write_text(target.read_text(encoding="utf-8").replace(",percent,", ",per cent,", 1))
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["path"] == "localities/huyen-dakrong.csv":
            del resource["hash"], resource["bytes"]  # as if they had been recomputed
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert {error.type for task in report.tasks for error in task.errors} == {"constraint-error"}


def test_the_data_package_describes_every_data_file(real_build):
    package = json.loads(real_build.files["data/datapackage.json"])
    described = {resource["path"] for resource in package["resources"]}
    schema = "observations.schema.json"  # what the CSV resources point to, not data itself
    published = {
        path.removeprefix("data/")
        for path in real_build.files
        if path.startswith("data/") and path not in ("data/datapackage.json", f"data/{schema}")
    }
    assert described == published
    assert package["licenses"][0]["name"] == real_build.site.config.licence.id
    titles = {source["title"] for source in package["sources"]}
    assert len(titles) == len(real_build.site.sources)
    csvs = [resource for resource in package["resources"] if resource["format"] == "csv"]
    assert len(csvs) == len(published) - 1  # all but scorecard.json
    assert {resource["schema"] for resource in csvs} == {schema}
    fields = json.loads(real_build.files[f"data/{schema}"])["fields"]
    assert [field["name"] for field in fields] == list(CSV_COLUMNS)
    assert all(field["description"] for field in fields)
    unit = next(field for field in fields if field["name"] == "unit")
    assert unit["constraints"]["enum"] == ["percent", "count", "ratio", "rank"]


def test_each_locality_with_figures_has_its_own_csv_linked_from_its_page(real_build):
    site = real_build.site
    with_figures = {obs.locality for obs in site.observations}
    csvs = {
        path.removeprefix("data/localities/").removesuffix(".csv")
        for path in real_build.files
        if path.startswith("data/localities/")
    }
    assert csvs == with_figures
    for locality_id in with_figures:
        rows = list(
            csv.DictReader(
                io.StringIO(real_build.files[f"data/localities/{locality_id}.csv"].decode())
            )
        )
        assert {row["locality_id"] for row in rows} == {locality_id}
        assert len(rows) == sum(1 for obs in site.observations if obs.locality == locality_id)
        for prefix in ("", "en/"):
            page = tags(real_build, f"{prefix}localities/{locality_id}/index.html")
            assert any(href.endswith(f"data/localities/{locality_id}.csv") for href in page.hrefs())
    silent = next(loc for loc in site.localities if loc not in with_figures)
    assert not any(
        "data/localities/" in href
        for href in tags(real_build, f"localities/{silent}/index.html").hrefs()
    )


# --- Citation, corrections, editing ---------------------------------------------------------


def test_locality_and_indicator_pages_offer_citation_text(real_build):
    site = real_build.site
    vi = tags(real_build, "localities/huyen-dakrong/index.html").content
    url = site.config.base_url + "localities/huyen-dakrong/"
    assert (
        f"Bảng điểm chuyển đổi số địa phương. “Huyện Đakrông”. Số liệu đến 31/12/2023. {url}. Giấy phép CC BY 4.0."
        in vi
    )
    en = tags(real_build, "en/indicators/households-fibre/index.html").content
    assert "“Households with fibre broadband”. Data as of " in en
    assert site.config.base_url + "en/indicators/households-fibre/. Licence: CC BY 4.0." in en


def test_report_a_correction_opens_the_form_with_the_figure_filled_in(real_build):
    form = yaml.safe_load(
        (ROOT / ".github/ISSUE_TEMPLATE/correction.yml").read_text(encoding="utf-8")
    )
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert {"locality", "indicator", "problem", "evidence"} <= fields.keys()
    assert (
        fields["problem"]["validations"]["required"]
        and fields["evidence"]["validations"]["required"]
    )
    repository = real_build.site.config.repository
    links = [
        urlsplit(href)
        for href in tags(real_build, "localities/huyen-dakrong/index.html").hrefs()
        if href.startswith(repository + "/issues/new?")
    ]
    queries = [parse_qs(link.query) for link in links]
    assert all(query["template"] == ["correction.yml"] for query in queries)
    assert all(set(query) - {"template", "title"} <= fields.keys() for query in queries)
    per_figure = [q for q in queries if q.get("indicator") == ["households-fibre"]]
    assert per_figure and per_figure[0]["locality"] == ["huyen-dakrong"] and per_figure[0]["period"]
    assert any(query.get("page") for query in queries)  # the page's own link


def test_edit_this_data_opens_the_file_that_holds_the_figures(real_build):
    repository = real_build.site.config.repository
    for path in ("localities/huyen-dakrong/index.html", "indicators/households-fibre/index.html"):
        edits = [h for h in tags(real_build, path).hrefs() if h.startswith(repository + "/edit/")]
        assert edits
        for href in edits:
            assert (ROOT / href.split("/edit/", 1)[1].split("/", 1)[1]).is_file(), href
    page = tags(real_build, "localities/huyen-dakrong/index.html").hrefs()
    assert f"{repository}/edit/main/data/observations/huyen-dakrong.yaml" in page


def test_edit_links_open_the_branch_site_yaml_names(project):
    project.replace(
        "site.yaml",
        "repository: https://example.org/repo",
        "repository: https://example.org/repo\nbranch: trunk",
    )
    page = generate(project.root).files["localities/huyen-b/index.html"].decode()
    assert 'href="https://example.org/repo/edit/trunk/data/observations/huyen-b.yaml"' in page
    assert "/edit/main/" not in page


# --- Discovery: sitemap, robots, feeds, previews ---------------------------------------------


def test_the_sitemap_lists_every_page_in_every_language_with_its_alternates(real_build):
    base = real_build.site.config.base_url
    root = ET.fromstring(real_build.files["sitemap.xml"])
    listed = {}
    for url in root.iter(f"{SITEMAP}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
        listed[url.find(f"{SITEMAP}loc").text] = alternates
    pages = {
        base + path.removesuffix("index.html")
        for path in html_pages(real_build)
        if path != "404.html"
    }
    assert set(listed) == pages
    vi, en = base + "localities/huyen-dakrong/", base + "en/localities/huyen-dakrong/"
    assert listed[en] == {"vi": vi, "en": en, "x-default": vi}
    robots = real_build.files["robots.txt"].decode()
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()


def test_feeds_are_dated_by_the_data_and_each_locality_with_figures_has_its_own(real_build):
    site = real_build.site
    base = site.config.base_url
    dates = {source.published for source in site.sources.values() if source.published}
    dates |= {obs.period.end for obs in site.observations}
    with_figures = {obs.locality for obs in site.observations}
    assert len(site.sources) <= feeds.SITE_FEED_MOST  # so the site's feed lists every update
    for prefix in ("", "en/"):
        feed = ET.fromstring(real_build.files[f"{prefix}feed.xml"])
        entries = list(feed.iter(f"{ATOM}entry"))
        assert entries and len({entry.find(f"{ATOM}id").text for entry in entries}) == len(entries)
        stamps = [entry.find(f"{ATOM}updated").text for entry in entries]
        assert {stamp[:10] for stamp in stamps} <= {day.isoformat() for day in dates}
        assert stamps == sorted(stamps, reverse=True)
        assert feed.find(f"{ATOM}updated").text == stamps[0]
        linked = {link.get("href") for link in feed.iter(f"{ATOM}link")}
        assert {f"{base}{prefix}localities/{locality}/" for locality in with_figures} <= linked
        for locality in with_figures:
            own = ET.fromstring(real_build.files[f"{prefix}localities/{locality}/feed.xml"])
            assert (
                own.find(f"{ATOM}link[@rel='alternate']").get("href")
                == f"{base}{prefix}localities/{locality}/"
            )
            assert list(own.iter(f"{ATOM}entry"))
    assert "localities/tinh-nghe-an/feed.xml" not in real_build.files  # no figures, no feed


def test_the_site_feed_lists_the_latest_updates_and_a_locality_feed_all_of_its_own(
    project, monkeypatch
):
    """bao-1 is dated by its figures (2023-10-31), qd-411 by its publication (2022-03-31)."""
    project.write(
        "data/observations/huyen-b.yaml",
        project.read("data/observations/huyen-b.yaml")
        + "  - {indicator: posts, value: 9, period: 2021, source: qd-411, quote: '9 điểm'}\n",
    )
    every = generate(project.root).files
    monkeypatch.setattr(feeds, "SITE_FEED_MOST", 1)
    latest = generate(project.root).files

    def entries(files, path):
        return [e.find(f"{ATOM}id").text for e in ET.fromstring(files[path]).iter(f"{ATOM}entry")]

    base = "https://example.org/scorecard/"
    both = [f"{base}sources/#bao-1", f"{base}sources/#qd-411"]
    assert entries(every, "feed.xml") == both
    assert entries(latest, "feed.xml") == both[:1]
    own = [f"{base}localities/huyen-b/#source-bao-1", f"{base}localities/huyen-b/#source-qd-411"]
    for files in (every, latest):
        assert entries(files, "localities/huyen-b/feed.xml") == own


def test_a_report_on_many_units_details_the_first_in_the_site_feed_and_counts_the_others(
    real_build, monkeypatch
):
    site, catalogues = real_build.site, real_build.catalogues
    source = "baonghean-doluong-2024"  # figures of two units
    units = sorted({obs.locality for obs in site.observations if obs.source == source})
    assert len(units) == 2
    monkeypatch.setattr(feeds, "ENTRY_MOST_UNITS", 1)
    made = feeds.feeds(site, public.locales(site, catalogues))
    base = site.config.base_url
    for prefix, others in (("", "Các đơn vị khác có số liệu từ nguồn này: 1."),
                           ("en/", "Other units with figures from this source: 1.")):  # fmt: skip
        (entry,) = [
            entry
            for entry in ET.fromstring(made[f"{prefix}feed.xml"]).iter(f"{ATOM}entry")
            if entry.find(f"{ATOM}id").text.endswith(f"#{source}")
        ]
        content = entry.find(f"{ATOM}content").text
        assert f"{base}{prefix}localities/{units[0]}/" in content
        assert f"{base}{prefix}localities/{units[1]}/" not in content
        assert others in content
        related = {
            link.get("href") for link in entry.iter(f"{ATOM}link") if link.get("rel") == "related"
        }
        assert related == {f"{base}{prefix}localities/{unit}/" for unit in units}
        own = made[f"{prefix}localities/{units[1]}/feed.xml"].decode()  # all of its own figures
        assert f"#source-{source}" in own


def test_a_feed_counts_a_report_s_figures_as_a_number_of_its_language(real_build):
    """A province's report brings thousands of figures at country scale: 1.639, not 1639."""
    site = real_build.site
    source = next(iter(site.sources.values()))
    trees = {
        code: yaml.safe_load((ROOT / f"locales/{code}.yaml").read_text()) for code in ("vi", "en")
    }
    flat = i18n.catalogues(trees, ("vi", "en"))
    said = {
        code: feeds._source_html(Locale(code, messages, flat["vi"]), source, 1639)
        for code, messages in flat.items()
    }
    assert "1.639 số liệu" in said["vi"]
    assert "Figures from this source: 1,639." in said["en"]


def test_every_page_has_opengraph_and_twitter_cards_with_an_image_that_exists(real_build):
    base = real_build.site.config.base_url
    for path in html_pages(real_build):
        page = tags(real_build, path)
        for name in ("og:title", "og:description", "og:image", "og:image:alt", "twitter:card"):
            assert page.meta(name), f"{path}: no {name}"
        image = page.meta("og:image")
        assert image.startswith(base) and image.removeprefix(base) in real_build.files, path
    own = tags(real_build, "en/localities/huyen-dakrong/index.html").meta("og:image")
    assert own == base + "previews/huyen-dakrong.en.png"
    png = real_build.files["previews/huyen-dakrong.en.png"]
    assert png.startswith(b"\x89PNG")
    assert struct.unpack(">II", png[16:24]) == (1200, 630)  # the PNG header's width and height
    assert tags(real_build, "sources/index.html").meta("og:image") == base + "previews/site.vi.png"


# --- Compare --------------------------------------------------------------------------------


def test_locality_pages_say_where_a_figure_stands_in_its_level_and_province(real_build):
    scores = real_build.scores
    ranked = [(key, rank) for key, rank in scores.province_ranks.items() if rank.of > 1]
    assert ranked
    (locality_id, indicator_id), rank = ranked[0]
    site = real_build.site
    province = site.localities[province_of(site, locality_id)]
    text = tags(real_build, f"en/localities/{locality_id}/index.html").content
    assert f"{rank.position} of {rank.of} in {province.name['en']}" in text


def test_compare_data_holds_every_locality_with_figures_formatted_per_language(real_build):
    vi = json.loads(real_build.files["compare/data.json"])
    en = json.loads(real_build.files["en/compare/data.json"])
    with_figures = {obs.locality for obs in real_build.site.observations if obs.kind == "actual"}
    assert set(vi["localities"]) == set(en["localities"]) == with_figures
    assert {i for level in vi["levels"] for i in level["localities"]} == with_figures
    assert en["localities"]["huyen-dakrong"]["url"] == "../localities/huyen-dakrong/"

    def figures(prefix, document, locality):
        part = document["localities"][locality]["figures"]
        return json.loads(real_build.files[f"{prefix}compare/{part}"])[locality]

    assert figures("", vi, "huyen-dakrong")["households-fibre"]["text"] == "35,4%"
    assert figures("en/", en, "huyen-dakrong")["households-fibre"]["text"] == "35.4%"


def test_compare_figures_are_split_by_province(real_build):
    """A reader comparing two units loads their provinces' figures, not the country's."""
    site = real_build.site
    index = json.loads(real_build.files["compare/data.json"])
    parts = {
        path.removeprefix("compare/"): json.loads(content)
        for path, content in real_build.files.items()
        if path.startswith("compare/figures/")
    }
    assert len(parts) > 1
    for locality, entry in index["localities"].items():
        assert entry["province"] == province_of(site, locality)
        assert entry["figures"] == f"figures/{entry['province'] or locality}.json"
        assert locality in parts[entry["figures"]]
    assert sum(len(part) for part in parts.values()) == len(index["localities"])
    # and the page's filter offers each of those provinces
    provinces = {entry["province"] for entry in index["localities"].values()}
    assert {province["id"] for province in index["provinces"]} == provinces - {None}


def test_the_compare_page_lists_every_locality_for_readers_without_javascript(real_build):
    for prefix in ("", "en/"):
        hrefs = tags(real_build, f"{prefix}compare/index.html").hrefs()
        home = "../" if not prefix else f"../../{prefix}"
        for locality_id in real_build.site.localities:
            assert f"{home}localities/{locality_id}/" in hrefs
