"""The preview images: SVGs from templates/preview.svg with text set in DejaVu Sans, drawn to
1200x630 PNGs by resvg."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
import vl_convert

from scorecard import build, glyphs, i18n, previews, public
from scorecard.load import load
from scorecard.score import score
from scorecard.validate import validate

SVG = "{http://www.w3.org/2000/svg}"
LONG_NAME = (
    "Tỷ lệ hộ gia đình ở vùng sâu, vùng xa, biên giới, hải đảo được phủ sóng di động băng "
    "rộng và có cáp quang đến tận nhà"
)


def scorecard(project):
    """The project's previews, and its languages."""
    raw = load(project.root)
    site = validate(raw)
    languages = public.locales(site, i18n.catalogues(raw.catalogues, site.config.languages))
    return previews.Previews(site, score(site)), languages


def size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])  # the header's width and height


@pytest.fixture
def without_the_font(monkeypatch, tmp_path):
    """DejaVu Sans looked for where it is not: an empty folder."""
    monkeypatch.setattr(glyphs, "FOLDERS", (tmp_path / "fonts",))
    glyphs.face.cache_clear()
    yield
    glyphs.face.cache_clear()


def test_a_long_indicator_name_is_cut_with_an_ellipsis_to_the_labels_width(project):
    project.replace("data/indicators.yaml", "{vi: Hộ có cáp quang,", f'{{vi: "{LONG_NAME}",')
    shown, languages = scorecard(project)
    bar = shown.locality_layout("huyen-b", languages["vi"])["bars"][0]
    label = bar.label.text
    regular = glyphs.face("regular")
    assert label.endswith("…") and LONG_NAME.startswith(label.removesuffix("…"))
    width = regular.width(label, previews.LABEL)
    # as long as fits: one more letter would not
    kept = label.removesuffix("…")
    spaces = len(LONG_NAME[len(kept) :]) - len(LONG_NAME[len(kept) :].lstrip())
    longer = LONG_NAME[: len(kept) + spaces + 1] + "…"
    assert width <= previews.LABEL_ROOM < regular.width(longer, previews.LABEL)
    # ends before its bar, starts inside the image's padding
    assert bar.label.x == pytest.approx(bar.x - previews.GAP, abs=0.1)
    assert bar.label.x - width >= previews.PAD - 0.1
    group = next(g for g in svg_groups(shown, languages) if g.get("aria-label") == label)
    assert group.findall(f"{SVG}path")  # drawn as the font's outlines


def svg_groups(shown, languages) -> list[ET.Element]:
    svg = shown.svgs(languages)["previews/huyen-b.vi.png"]
    return list(ET.fromstring(svg).iter(f"{SVG}g"))


def inked_columns(png: bytes) -> list[int]:
    """The columns of a PNG from resvg (8-bit RGBA) drawn on, on a transparent ground."""
    width, height = size(png)
    data, at = b"", 8
    while at < len(png):  # the chunks: length, type, data, checksum
        (length,), kind = struct.unpack(">I", png[at : at + 4]), png[at + 4 : at + 8]
        data += png[at + 8 : at + 8 + length] if kind == b"IDAT" else b""
        at += 12 + length
    data, stride, inked = zlib.decompress(data), width * 4, set()
    above = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = data[start], bytearray(data[start + 1 : start + 1 + stride])
        for i in range(stride):  # undo the row's filter (PNG specification, section 9)
            left, up = (row[i - 4] if i >= 4 else 0), above[i]
            corner = above[i - 4] if i >= 4 else 0
            guess = left + up - corner
            paeth = min(
                (abs(guess - left), 0, left),
                (abs(guess - up), 1, up),
                (abs(guess - corner), 2, corner),
            )[2]
            row[i] = (row[i] + (0, left, up, (left + up) // 2, paeth)[kind]) & 255
        inked.update(x for x in range(width) if row[x * 4 + 3] > 128)  # opaque: drawn on
        above = row
    return sorted(inked)


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_text_as_outlines_lands_where_resvgs_own_text_does(weight):
    """Set with the font's advances and kerning pairs ('To', 'Va', 'AV'), as resvg sets a
    <text>: what was measured to fit is what is drawn."""
    line = "Tỉnh Quảng Ngãi: To Va AV 100%"
    face = glyphs.face(weight)
    bold = "bold" if weight == "bold" else "normal"
    frame = '<svg xmlns="http://www.w3.org/2000/svg" width="500" height="40">{}</svg>'
    ours = frame.format(face.draw(line, 480, 30, 24, anchor="end"))
    resvgs = frame.format(
        f'<text x="480" y="30" font-family="DejaVu Sans" font-size="24" font-weight="{bold}" '
        f'text-anchor="end">{line}</text>'
    )
    drawn, expected = (inked_columns(bytes(vl_convert.svg_to_png(svg))) for svg in (ours, resvgs))
    assert abs(drawn[0] - expected[0]) <= 1 and abs(drawn[-1] - expected[-1]) <= 1
    assert len(set(drawn) ^ set(expected)) <= 3
    assert drawn[0] >= 480 - face.width(line, 24) - 1  # measured as wide as it is drawn


def test_special_characters_in_names_are_escaped_in_the_svg(project):
    project.replace("data/localities.yaml", "{vi: Huyện Bà,", '{vi: "Huyện Bà & <Cê> \\"1\\"",')
    shown, languages = scorecard(project)
    labels = [group.get("aria-label") for group in svg_groups(shown, languages)]
    assert 'Huyện Bà & <Cê> "1"' in labels  # the SVG parsed: every & and < was escaped


def test_a_character_the_font_lacks_is_left_to_resvg_as_escaped_text(project):
    project.replace("data/localities.yaml", "{vi: Huyện Bà,", "{vi: Huyện Bà & <漢>,")
    shown, languages = scorecard(project)
    svg = shown.svgs(languages)["previews/huyen-b.vi.png"]
    texts = [text.text for text in ET.fromstring(svg).iter(f"{SVG}text")]
    assert texts == ["Huyện Bà & <漢>"]
    png = previews.draw({"huyen-b.png": svg}, None)["huyen-b.png"]
    assert size(png) == (previews.WIDTH, previews.HEIGHT)


def test_the_images_are_1200_by_630_and_the_same_bytes_each_time_they_are_drawn(
    project, monkeypatch
):
    shown, languages = scorecard(project)
    first = shown.images(languages)
    assert set(first) == {
        "previews/site.vi.png",
        "previews/site.en.png",
        "previews/huyen-b.vi.png",
        "previews/huyen-b.en.png",
    }
    assert {size(png) for png in first.values()} == {(1200, 630)}
    monkeypatch.setattr(previews, "_drawn", {})  # not from memory: drawn again
    again, languages = scorecard(project)
    assert again.images(languages) == first
    assert first["previews/huyen-b.vi.png"] != first["previews/huyen-b.en.png"]


def test_a_long_description_wraps_to_the_measure_in_four_lines_at_most(project):
    words = "Số liệu chuyển đổi số của các địa phương Việt Nam, mỗi con số kèm nguồn. " * 8
    project.replace("site.yaml", "{vi: Mô tả,", f'{{vi: "{words.strip()}",')
    shown, languages = scorecard(project)
    lines = [line.text for line in shown.site_layout(languages["vi"])["subtitle"]]
    assert len(lines) == previews.MOST_LINES and lines[-1].endswith("…")
    regular = glyphs.face("regular")
    assert all(regular.width(line, previews.SUBTITLE) <= previews.MEASURE for line in lines)
    assert " ".join(lines).removesuffix("…") in words  # broken between words, nothing lost


def test_big_counts_are_made_smaller_to_stay_apart():
    counts = previews._counts([("14.697", "địa phương"), ("103.951", "số liệu"), ("356", "nguồn")])
    bold = glyphs.face("bold")
    for left, right in zip(counts, counts[1:], strict=False):
        end = left.number.x + bold.width(left.number.text, left.number.size)
        assert right.number.x - end >= left.number.size / 2  # a clear gap between numbers
    assert counts[0].number.size < previews.NUMBER


def test_without_the_font_the_build_says_so_and_still_draws_every_image(project, without_the_font):
    built = build.generate(project.root)
    assert any("DejaVuSans.ttf" in notice for notice in built.notices)
    assert size(built.files["previews/huyen-b.vi.png"]) == (1200, 630)
    shown, languages = scorecard(project)
    svg = shown.svgs(languages)["previews/huyen-b.vi.png"]
    assert ET.fromstring(svg).find(f".//{SVG}text") is not None  # resvg finds another font
