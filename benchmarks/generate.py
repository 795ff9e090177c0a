"""A synthetic country-scale project in the editors' format, for the benchmark.

    python benchmarks/generate.py --scale 1.0 --out /tmp/country

At scale 1.0 it holds what a scorecard that keeps history must carry: 63 provinces, about 700
district-level units and 10,600 communes dissolved on 1 July 2025, their successors among 34 new
provinces and about 3,300 new communes (about 14,700 localities), 40 indicators over the four
pillars, sources, observations over several periods for the localities that publish, and a
narrative in both languages for each of them. Names, figures and quotes are made up but shaped
like the real ones, so the tree passes `python build.py check`.

`site.yaml` and `content/pages/` are copied from the repository; `templates`, `locales` and
`static` are symbolic links to it, so the benchmark always measures the templates of today.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFORM_DATE = "2025-07-01"
PILLARS = ("infrastructure", "government", "economy", "society")
SYLLABLES = (
    "An", "Bình", "Bắc", "Cẩm", "Châu", "Đông", "Đức", "Giang", "Hà", "Hải", "Hòa", "Hưng",
    "Hương", "Khánh", "Kim", "Lạc", "Lâm", "Long", "Lộc", "Mỹ", "Nam", "Ngọc", "Nghĩa", "Phú",
    "Phúc", "Phước", "Quảng", "Quang", "Sơn", "Tân", "Tây", "Thạch", "Thanh", "Thành", "Thái",
    "Thịnh", "Thủy", "Tiến", "Trung", "Trường", "Văn", "Vĩnh", "Xuân", "Yên", "Ea", "Đắk", "Krông",
)  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    """How many units of each kind a scale gives (never fewer than one chain of each)."""

    old_provinces: int
    new_provinces: int
    districts: int
    old_communes: int
    new_communes: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        old_provinces = max(2, round(63 * scale))
        districts = max(old_provinces, round(700 * scale))
        new_provinces = max(1, min(old_provinces, round(34 * scale)))
        return cls(
            old_provinces=old_provinces,
            new_provinces=new_provinces,
            districts=districts,
            old_communes=max(districts, round(10_600 * scale)),
            new_communes=max(new_provinces, round(3_300 * scale)),
        )


@dataclass(frozen=True)
class Options:
    scale: float = 1.0
    seed: int = 6
    publishing: tuple[float, float, float] = (1.0, 0.7, 0.4)
    """Share of provinces, districts and communes that publish any figure."""
    indicator_share: float = 0.3
    """Share of the indicators open to its level that a publishing unit reports."""
    max_periods: int = 3
    """A reported indicator has 1 to this many periods."""


@dataclass
class Unit:
    id: str
    name_vi: str
    name_en: str
    level: str
    code: str
    parent: str | None = None
    established: bool = False
    successors: list[str] = field(default_factory=list)
    reform_source: str | None = None
    province: str = ""
    """The province whose newspaper reports on it: itself, or the (old or new) one above it."""


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    letters = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in letters).split())


def generate(out: Path, options: Options) -> dict[str, int]:
    """Write the project into `out` (replacing it); returns counts of what was written."""
    rng = random.Random(options.seed)
    sizes = Sizes.at(options.scale)
    if out.exists():
        shutil.rmtree(out)
    (out / "data" / "observations").mkdir(parents=True)
    (out / "content" / "localities").mkdir(parents=True)
    shutil.copy(REPO / "site.yaml", out / "site.yaml")
    shutil.copytree(REPO / "content" / "pages", out / "content" / "pages")
    for folder in ("templates", "locales", "static"):
        (out / folder).symlink_to(REPO / folder, target_is_directory=True)

    units = _units(sizes, rng)
    indicators = _indicators(rng)
    years = {"old": ("2021", "2022", "2023", "2024"), "new": ("2025-07/2025-12", "2026-03")}
    sources = _sources(units, years)
    (out / "data" / "localities.yaml").write_text(_localities_yaml(units), encoding="utf-8")
    (out / "data" / "indicators.yaml").write_text(_indicators_yaml(indicators), encoding="utf-8")
    (out / "data" / "sources.yaml").write_text(_sources_yaml(sources), encoding="utf-8")

    files = observations = 0
    share = dict(zip(("province", "district", "commune"), options.publishing, strict=True))
    for unit in units:
        if rng.random() >= share[unit.level]:
            continue
        entries = _observations(unit, indicators, years, options, rng)
        if not entries:
            continue
        text = f"locality: {unit.id}\nobservations:\n" + "\n".join(entries)
        (out / "data" / "observations" / f"{unit.id}.yaml").write_text(text, encoding="utf-8")
        for language in ("vi", "en"):
            path = out / "content" / "localities" / f"{unit.id}.{language}.md"
            path.write_text(_narrative(unit, language, len(entries), rng), encoding="utf-8")
        files += 1
        observations += len(entries)
    return {
        "localities": len(units),
        "indicators": len(indicators),
        "sources": len(sources),
        "observation files": files,
        "observations": observations,
    }


def _name(rng: random.Random) -> str:
    first, second = rng.sample(SYLLABLES, 2)
    return f"{first} {second}"


def _units(sizes: Sizes, rng: random.Random) -> list[Unit]:
    """Old provinces → districts → communes, all dissolved into new provinces and communes."""
    new_provinces = [
        Unit(f"tinh-{slug(name)}-2025-{i:02d}", f"Tỉnh {name}", f"{name} Province", "province",
             code=f"{i:02d}", established=True, reform_source="nq-202-2025-qh15")
        for i, name in enumerate((_name(rng) for _ in range(sizes.new_provinces)), 1)
    ]  # fmt: skip
    for unit in new_provinces:
        unit.province = unit.id
    old_provinces = []
    for i in range(sizes.old_provinces):
        name = _name(rng)
        successor = new_provinces[i * sizes.new_provinces // sizes.old_provinces]
        old_provinces.append(
            Unit(f"tinh-{slug(name)}-{i + 1:02d}", f"Tỉnh {name}", f"{name} Province", "province",
                 code=f"{i + 1:02d}", successors=[successor.id], reform_source="nq-202-2025-qh15")
        )  # fmt: skip
        old_provinces[-1].province = old_provinces[-1].id
    districts = []
    for i in range(sizes.districts):
        province = old_provinces[i * sizes.old_provinces // sizes.districts]
        kind, english = rng.choice((("Huyện", "District"),) * 8 + (("Thị xã", "Town"),))
        name = _name(rng)
        districts.append(
            Unit(f"{slug(kind)}-{slug(name)}-{i + 1:03d}", f"{kind} {name}", f"{name} {english}",
                 "district", code=f"{i + 1:03d}", parent=province.id,
                 reform_source="nq-202-2025-qh15", province=province.id)
        )  # fmt: skip
    new_communes = []
    for i in range(sizes.new_communes):
        # old communes are in province order, so the ones a new commune takes over share a province
        first_old = i * sizes.old_communes // sizes.new_communes
        district = districts[first_old * sizes.districts // sizes.old_communes]
        old_province = next(p for p in old_provinces if p.id == district.parent)
        province = old_province.successors[0]
        kind, english = rng.choice((("Xã", "Commune"),) * 4 + (("Phường", "Ward"),))
        name = _name(rng)
        new_communes.append(
            Unit(f"{slug(kind)}-{slug(name)}-2025-{i + 1:05d}", f"{kind} {name}",
                 f"{name} {english}", "commune", code=f"{i + 1:05d}", parent=province,
                 established=True, reform_source=f"nq-xa-{province}", province=province)
        )  # fmt: skip
    old_communes = []
    for i in range(sizes.old_communes):
        district = districts[i * sizes.districts // sizes.old_communes]
        successor = new_communes[i * sizes.new_communes // sizes.old_communes]
        kind, english = rng.choice(
            (("Xã", "Commune"),) * 6 + (("Phường", "Ward"), ("Thị trấn", "Township"))
        )
        name = _name(rng)
        unit = Unit(
            f"{slug(kind)}-{slug(name)}-{i + 1:05d}", f"{kind} {name}", f"{name} {english}",
            "commune", code=f"{i + 1:05d}", parent=district.id, successors=[successor.id],
            reform_source=f"nq-xa-{successor.parent}", province=district.province,
        )  # fmt: skip
        old_communes.append(unit)
        if successor.id not in district.successors:
            district.successors.append(successor.id)
    return old_provinces + new_provinces + districts + old_communes + new_communes


@dataclass(frozen=True)
class Indicator:
    id: str
    pillar: str
    name_vi: str
    name_en: str
    unit: str
    direction: str
    scored: bool
    levels: tuple[str, ...] | None
    target: tuple[float, str] | None  # (value, qualifier)


def _indicators(rng: random.Random) -> list[Indicator]:
    """Ten per pillar: mostly percentages, some counts, ranks and ratios; some with targets."""
    indicators = []
    for pillar in PILLARS:
        for n in range(1, 11):
            unit = ("percent",) * 6 + ("count", "count", "rank", "ratio")
            unit = unit[n - 1]
            levels = (
                ("province",) if unit == "rank" else (None if n % 4 else ("province", "district"))
            )
            target = None
            if unit == "percent" and n % 2:
                target = (rng.choice((50, 70, 80, 90, 95, 100)), rng.choice(("exact", "over")))
            indicators.append(
                Indicator(f"{pillar}-{n:02d}", pillar, f"Chỉ tiêu {n} về {pillar}",
                          f"{pillar.title()} measure {n}", unit,
                          "lower" if n == 6 else "higher", scored=unit == "percent",
                          levels=levels, target=target)
            )  # fmt: skip
    return indicators


def _sources(units: list[Unit], years: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(id, title, publisher): the reform resolutions and one report per province and year."""
    sources = [
        ("qd-411-2022", "Quyết định 411/QĐ-TTg phê duyệt Chiến lược quốc gia phát triển kinh tế số và xã hội số", "Thủ tướng Chính phủ"),
        ("nq-202-2025-qh15", "Nghị quyết 202/2025/QH15 về việc sắp xếp đơn vị hành chính cấp tỉnh", "Quốc hội"),
    ]  # fmt: skip
    for unit in units:
        if unit.level != "province":
            continue
        if unit.established:
            sources.append(
                (f"nq-xa-{unit.id}", f"Nghị quyết sắp xếp các đơn vị hành chính cấp xã của {unit.name_vi}",
                 "Ủy ban Thường vụ Quốc hội")
            )  # fmt: skip
        for period in years["new" if unit.established else "old"]:
            sources.append(
                (_source_id(unit.id, period), f"{unit.name_vi}: kết quả chuyển đổi số {period[:4]}",
                 f"Báo {unit.name_vi.removeprefix('Tỉnh ')}")
            )  # fmt: skip
    return sources


def _source_id(province: str, period: str) -> str:
    return f"bao-{province}-{slug(period)}"


def _observations(unit: Unit, indicators, years, options: Options, rng) -> list[str]:
    open_to = [i for i in indicators if i.levels is None or unit.level in i.levels]
    count = max(1, round(len(open_to) * options.indicator_share * rng.uniform(0.5, 1.5)))
    entries = []
    periods = years["new" if unit.established else "old"]
    for indicator in sorted(rng.sample(open_to, min(count, len(open_to))), key=lambda i: i.id):
        chosen = sorted(rng.sample(periods, rng.randint(1, min(options.max_periods, len(periods)))))
        for period in chosen:
            entries.append(_observation(unit, indicator, period, rng))
        if indicator.unit == "percent" and rng.random() < 0.1:
            entries.append(_observation(unit, indicator, "2030", rng, source_period=periods[-1]))
    return entries


def _observation(unit, indicator, period: str, rng, source_period: str | None = None) -> str:
    """One figure; with `source_period`, a target the unit set itself in that period's report."""
    kind = "target" if source_period else "actual"
    source = _source_id(unit.province, source_period or period)
    lines = [f"  - indicator: {indicator.id}"]
    if indicator.unit == "percent":
        denominator = rng.randint(8, 20_000)
        numerator = rng.randint(denominator // 5, denominator)
        value = round(100 * numerator / denominator, 1)
        written = f"{value:g}"
        vi_value = written.replace(".", ",")
        if rng.random() < 0.5:
            lines += [f"    value: {written}", f"    numerator: {numerator}"]
            lines += [f"    denominator: {denominator}"]
            quote = f"đạt {vi_value}% ({_vi(numerator)}/{_vi(denominator)})"
        else:
            lines.append(f"    value: {written}")
            quote = f"tỷ lệ đạt {vi_value}%"
    elif indicator.unit == "count":
        value = rng.randint(1, 500)
        lines.append(f"    value: {value}")
        quote = f"có {value} điểm"
    elif indicator.unit == "rank":
        value = rng.randint(1, 63)
        lines += [f"    value: {value}", "    denominator: 63"]
        quote = f"xếp thứ {value}/63 tỉnh, thành phố"
    else:
        value = round(rng.uniform(0.1, 9.9), 2)
        lines.append(f"    value: {value:g}")
        quote = f"đạt {value:g}".replace(".", ",")
    if kind == "target":
        lines.append("    kind: target")
        quote = "phấn đấu " + quote
    elif rng.random() < 0.15:
        lines.append(f"    qualifier: {rng.choice(('over', 'nearly', 'about'))}")
    lines += [f"    period: {period}", f"    source: {source}"]
    lines.append(f'    quote: "{indicator.name_vi} của {unit.name_vi} {quote}"')
    return "\n".join(lines) + "\n"


def _vi(number: int) -> str:
    """12.002: Vietnamese thousands separator."""
    return f"{number:,}".replace(",", ".")


def _narrative(unit: Unit, language: str, figures: int, rng) -> str:
    name = unit.name_vi if language == "vi" else unit.name_en
    if language == "vi":
        summary = f"{name} công bố {figures} số liệu chuyển đổi số."
        sections = [
            ("Kết quả được báo cáo", f"{name} báo cáo {figures} số liệu về hạ tầng số, chính quyền số, kinh tế số và xã hội số."),
            ("Những hạn chế", "Một số chỉ tiêu chưa được công bố; các con số do chính quyền địa phương báo cáo, được báo chí đưa lại."),
            ("Điều gì đã thay đổi", "Từ ngày 01/7/2025, các đơn vị hành chính được sắp xếp lại theo các nghị quyết của Quốc hội và Ủy ban Thường vụ Quốc hội."),
        ]  # fmt: skip
    else:
        summary = f"{name} published {figures} digital transformation figures."
        sections = [
            ("What was reported", f"{name} reported {figures} figures on digital infrastructure, government, economy and society."),
            ("Limits", "Some indicators are not published; the figures are what local authorities reported, relayed by the press."),
            ("What has changed since", "From 1 July 2025 administrative units were reorganised under resolutions of the National Assembly and its Standing Committee."),
        ]  # fmt: skip
    body = "\n\n".join(
        f"## {title}\n\n{text} " + " ".join(rng.sample(SYLLABLES, 8)) + "."
        for title, text in sections
    )
    return f"---\nsummary: {summary}\n---\n\n{body}\n"


def _localities_yaml(units: list[Unit]) -> str:
    lines = ["# Synthetic localities for the benchmark (benchmarks/generate.py).", ""]
    for unit in units:
        lines += [f"- id: {unit.id}", f"  name: {{vi: {unit.name_vi}, en: {unit.name_en}}}"]
        lines += [f"  level: {unit.level}"]
        if unit.parent:
            lines.append(f"  parent: {unit.parent}")
        lines.append(f'  code: "{unit.code}"')
        if unit.established:
            lines.append(f"  established: {REFORM_DATE}")
        if unit.successors:
            lines += [f"  dissolved: {REFORM_DATE}", f"  successor: [{', '.join(unit.successors)}]"]
        if unit.reform_source:
            lines.append(f"  reform_source: {unit.reform_source}")
        lines.append("")
    return "\n".join(lines)


def _indicators_yaml(indicators: list[Indicator]) -> str:
    lines = []
    for i in indicators:
        lines += [
            f"- id: {i.id}", f"  pillar: {i.pillar}",
            f"  name: {{vi: {i.name_vi}, en: {i.name_en}}}",
            f"  description: {{vi: Mô tả {i.name_vi.lower()}, en: What {i.name_en.lower()} counts}}",
            f"  unit: {i.unit}", f"  direction: {i.direction}",
            f"  scored: {'true' if i.scored else 'false'}",
        ]  # fmt: skip
        if i.levels:
            lines.append(f"  levels: [{', '.join(i.levels)}]")
        if i.target:
            value, qualifier = i.target
            lines.append(
                f"  target: {{value: {value}, year: 2025, source: qd-411-2022, qualifier: {qualifier}}}"
            )
        lines.append("")
    return "\n".join(lines)


def _sources_yaml(sources: list[tuple[str, str, str]]) -> str:
    lines = []
    for source_id, title, publisher in sources:
        kind = "official" if source_id.startswith(("qd-", "nq-")) else "press"
        lines += [f"- id: {source_id}", f'  title: "{title}"', f"  publisher: {publisher}"]
        lines += [f"  type: {kind}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the whole country")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=Options.seed)
    parser.add_argument("--indicator-share", type=float, default=Options.indicator_share)
    parser.add_argument("--max-periods", type=int, default=Options.max_periods)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        parser.error("write the synthetic tree outside the repository")
    counts = generate(
        out,
        Options(args.scale, args.seed, indicator_share=args.indicator_share,
                max_periods=args.max_periods),
    )  # fmt: skip
    print(", ".join(f"{count:,} {what}" for what, count in counts.items()), f"in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
