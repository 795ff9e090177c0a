"""Fixtures: a tiny valid project written into tmp_path, and the real project's build."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from scorecard.build import generate

ROOT = Path(__file__).resolve().parent.parent

TINY = {
    "site.yaml": """\
        title: {vi: Bảng điểm, en: Scorecard}
        description: {vi: Mô tả, en: Description}
        base_url: https://example.org/scorecard/
        languages: [vi, en]
        repository: https://example.org/repo
        licence: {id: CC-BY-4.0, name: CC BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}
        pillars:
          - id: infrastructure
            name: {vi: Hạ tầng số, en: Digital infrastructure}
        """,
    "data/localities.yaml": """\
        - id: tinh-a
          name: {vi: Tỉnh A, en: A Province}
          level: province
        - id: huyen-b
          name: {vi: Huyện Bà, en: Bà District}
          level: district
          parent: tinh-a
          dissolved: 2025-07-01
          successor: [xa-c]
          reform_source: nq-1
        - id: xa-c
          name: {vi: Xã Cê, en: Cê Commune}
          level: commune
          parent: tinh-a
          established: 2025-07-01
          reform_source: nq-1
        """,
    "data/indicators.yaml": """\
        - id: fibre
          pillar: infrastructure
          name: {vi: Hộ có cáp quang, en: Households with fibre}
          description: {vi: Tỷ lệ hộ, en: Share of households}
          unit: percent
          direction: higher
          target: {value: 80, year: 2025, source: qd-411}
        - id: posts
          pillar: infrastructure
          name: {vi: Điểm bưu chính, en: Postal points}
          description: {vi: Số điểm, en: Number of points}
          unit: count
          direction: higher
          scored: false
        """,
    "data/sources.yaml": """\
        - id: bao-1
          title: Bài báo
          publisher: Báo A
          type: press
        - id: qd-411
          title: Quyết định 411/QĐ-TTg
          publisher: Thủ tướng Chính phủ
          type: official
          published: 2022-03-31
        - id: nq-1
          title: Nghị quyết sắp xếp
          publisher: Ủy ban Thường vụ Quốc hội
          type: official
        """,
    "data/observations/huyen-b.yaml": """\
        locality: huyen-b
        observations:
          - indicator: fibre
            value: 35.4
            numerator: 4254
            denominator: 12002
            period: 2023-01/2023-10
            source: bao-1
            quote: "chiếm 35,4% (4.254/12.002 hộ)"
          - indicator: posts
            value: 12
            period: 2023
            source: bao-1
            quote: "12 điểm"
        """,
    "content/localities/huyen-b.vi.md": "---\nsummary: Tóm tắt\n---\n## Kết quả\n\nVăn bản.\n",
    "content/localities/huyen-b.en.md": "---\nsummary: Summary\n---\n## Results\n\nText.\n",
    "content/pages/about.vi.md": "---\ntitle: Giới thiệu\n---\nVề trang.\n",
    "content/pages/about.en.md": "---\ntitle: About\n---\nAbout.\n",
    "content/pages/methodology.vi.md": "---\ntitle: Phương pháp\n---\nCách tính.\n",
    "content/pages/methodology.en.md": "---\ntitle: Methodology\n---\nHow.\n",
}


class Project:
    """A project folder in tmp_path that tests can edit file by file."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        (self.root / relative).write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A tiny valid project using the real templates, locales and assets."""
    for folder in ("templates", "locales", "static"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    tiny = Project(tmp_path)
    for relative, text in TINY.items():
        tiny.write(relative, text)
    return tiny


@pytest.fixture(scope="session")
def real_build():
    """The real site, built once in memory for every test that reads its pages."""
    return generate(ROOT)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session: Playwright's sync API
    cannot start twice in one process while the first is running."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from screenshot import CHROMIUM, CHROMIUM_ARGS

    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/check does it as root)"
        )
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
