"""The pages the public reads, checked structurally with a parser, and the open data files."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import quote_plus

from scorecard.build import generate
from scorecard.export import CSV_COLUMNS


class Page(HTMLParser):
    """Text, links and element ids of one page."""

    def __init__(self, html: bytes):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html.decode())

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def content(self) -> str:
        return " ".join(" ".join(self.text).split())


def page(built, path: str) -> Page:
    return Page(built.files[path])


def test_every_locality_and_indicator_has_a_page_in_each_language(real_build):
    site = real_build.site
    for prefix in ("", "en/"):
        for locality in site.localities:
            assert f"{prefix}localities/{locality}/index.html" in real_build.files
        for indicator in site.indicators:
            assert f"{prefix}indicators/{indicator}/index.html" in real_build.files
        for name in ("", "methodology/", "sources/", "about/"):
            assert f"{prefix}{name}index.html" in real_build.files
    assert "404.html" in real_build.files


def test_figures_are_shown_as_published_in_each_language(real_build):
    vi = page(real_build, "localities/tinh-quang-ngai/index.html").content
    en = page(real_build, "en/localities/tinh-quang-ngai/index.html").content
    assert "trên 99%" in vi and "gần 88%" in vi and "khoảng 9%" in vi
    assert "over 99%" in en and "nearly 88%" in en and "about 9%" in en
    assert "99,8%" in page(real_build, "localities/thi-xa-quang-tri/index.html").content
    assert "99.8%" in page(real_build, "en/localities/thi-xa-quang-tri/index.html").content
    assert "(9.489/12.002)" in page(real_build, "localities/huyen-dakrong/index.html").content


def test_missing_figures_are_not_published_never_zero(real_build):
    site = real_build.site
    published = {obs.indicator for obs in site.observations if obs.locality == "huyen-dakrong"}
    silent = site.indicators["records-online-district"]
    assert silent.id not in published
    dakrong = page(real_build, "en/localities/huyen-dakrong/index.html").content
    row = dakrong.split(silent.name["en"])[1][:300]
    assert "Not published" in row


def test_dissolved_unit_links_to_its_successors(real_build):
    dakrong = page(real_build, "localities/huyen-dakrong/index.html")
    assert "không còn tồn tại từ ngày 1/7/2025" in dakrong.content
    for successor in real_build.site.localities["huyen-dakrong"].successor:
        assert f"../../localities/{successor}/" in dakrong.links
    new = page(real_build, "en/localities/xa-huong-hiep-2025/index.html")
    assert "established on 1 July 2025" in new.content
    assert (
        "../../../en/localities/huyen-dakrong/" in new.links
        or "../../localities/huyen-dakrong/" in new.links
    )


def test_targets_are_never_shown_as_achievements(real_build):
    doluong = page(real_build, "en/localities/huyen-do-luong/index.html").content
    goals = doluong.split("Targets the locality set itself")[1]
    assert "These are goals, not achievements." in goals
    assert "at least 80%" in goals


def test_source_quote_and_link_are_on_the_page(real_build):
    quangbinh = page(real_build, "localities/tinh-quang-binh/index.html")
    assert (
        "“Hiện, 100% trung tâm xã" in quangbinh.content or "100% trung tâm xã" in quangbinh.content
    )
    assert any(link.startswith("https://baoquangbinh.vn/") for link in quangbinh.links)


def test_indicator_page_compares_within_a_level(real_build):
    indicator = page(real_build, "en/indicators/dossiers-on-time/index.html")
    assert {"level-district"} <= indicator.ids
    assert "Only units of the same level are compared." in indicator.content


def test_csv_has_the_documented_columns_and_every_figure(real_build):
    rows = list(csv.reader(io.StringIO(real_build.files["data/observations.csv"].decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == len(real_build.site.observations)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["locality_name_vi"] and record["source_title"] and record["quote"]


def test_json_holds_everything(real_build):
    data = json.loads(real_build.files["data/scorecard.json"])
    assert len(data["observations"]) == len(real_build.site.observations)
    assert {loc["id"] for loc in data["localities"]} == set(real_build.site.localities)
    statuses = {obs["status"] for obs in data["observations"] if obs["kind"] == "actual"}
    assert statuses <= {"met", "close", "behind", "no-target"}


def test_markdown_cannot_inject_script(project):
    project.write(
        "content/localities/huyen-b.en.md",
        '## Hi\n\n<script>alert(1)</script><svg onload="alert(1)"></svg>\n'
        "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](data:text/html;base64,PHNjcmlwdD4=)\n"
        '<a href="&#106;avascript:alert(1)">w</a> <img src=x onerror=alert(1)>\n',
    )
    html = generate(project.root).files["en/localities/huyen-b/index.html"].decode()
    narrative = html.split('id="narrative"')[1].split("</section>")[0]
    for marker in ("<script", "onload", "onerror", "javascript:", "data:text", "<svg", "<img"):
        assert marker not in narrative.lower()


def test_a_second_build_in_the_same_process_shows_the_new_data_everywhere(project):
    """`serve` builds again in one process, with the templates compiled once: a renamed unit
    or indicator is renamed in every part of its page, the correction links of its figures and
    the parts of a page made once per render (`{% cache %}`) included."""
    first = generate(project.root).files["localities/huyen-b/index.html"].decode()
    project.replace("data/localities.yaml", "Huyện Bà", "Huyện Bê")
    project.replace("data/indicators.yaml", "Hộ có cáp quang", "Hộ có cáp quang mới")
    project.write("static/chart.js", project.read("static/chart.js") + "\n// changed\n")
    html = generate(project.root).files["localities/huyen-b/index.html"].decode()
    scorecard = html.split('<table class="scorecard">')[1].split("</table>")[0]
    assert "Hộ có cáp quang mới" in scorecard  # its row's heading, made once per render
    corrections = [link for link in page_links(html) if "correction.yml" in link]
    assert len(corrections) == 3  # the page's, and each of its two figures'
    assert all(quote_plus("Huyện Bê") in link for link in corrections)
    assert "Huyện Bà" not in html
    assert chart_script(html) != chart_script(first)  # its integrity: the browser checks it


def chart_script(html: str) -> dict:
    tags = Page(html.encode()).tags
    return next(a for t, a in tags if t == "script" and a.get("src", "").endswith("/chart.js"))


def page_links(html: str) -> list[str]:
    return Page(html.encode()).links
