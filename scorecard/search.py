"""Search: the records readers search, made from the model, and the Pagefind bundle of them.

Each locality, indicator, the sources and the about and methodology pages is one record per
language: its title and what a reader looks it up by (level, code, the units it belongs to, the
units it became or came from, the summary of its narrative; pillar and description; each
source's title and publisher; the page's text), not the tables of figures and quotes every page
repeats. Pagefind's memory grows with the words of each record: crawling the written pages took
4.3 GB at country scale, records with whole narratives 0.7 GB a language, with their summaries
0.35 GB.

Records go to Pagefind as small HTML documents rather than plain-text records, so that the
title keeps the weight of a heading (a locality ranks above the units that merely name it) and
each source is a section with an anchor (a sub-result linking to it). Each language is an index
of its own, made by a Pagefind of its own (its command line, from the binary of `pagefind-bin`),
side by side.

Pagefind folds tone marks ("quang tri" finds "Quảng Trị") but Đ is a letter of its own, not a
D with a mark, so "dakrong" would miss "Đakrông". Each record therefore carries the plain form of
its title (and each source the plain form of its own) in an attribute Pagefind indexes.

`build` indexes the staging folder before the swap: a failed index leaves the previous site in
place. `serve` indexes again after an edit that changes a record (not after one of figures).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from html import escape
from pathlib import Path

from pagefind.service import get_executable

from . import i18n
from .errors import BuildError, Problem
from .model import Locality, Site
from .render import Relations

BUNDLE = "pagefind"
"""Folder of the search bundle in the site; the search page loads `pagefind/pagefind.js`."""

UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces, which the site does not load."""

ENTRY = "pagefind-entry.json"

DOCUMENTS = Path(".cache") / "search"
"""Where in a project the records are kept as the files Pagefind reads, a folder a language."""


@dataclass(frozen=True)
class Record:
    """One search result: a page as Pagefind indexes it."""

    url: str
    """The page's path from the site root, '/en/localities/huyen-dakrong/': the search page
    puts the site's base path before it."""
    language: str
    type: str
    """What readers are told the result is: locality, indicator, source or page."""
    title: str
    body: str
    """HTML of what a reader searches it by, besides its title (text already escaped)."""

    def document(self) -> str:
        """The record as Pagefind reads it: the title as the heading, its plain form weighted
        like it, unseen (`data-plain`)."""
        return (
            f'<html lang="{self.language}"><body data-pagefind-meta="type:{self.type}">'
            f"<h1>{escape(self.title)}</h1>"
            f'<span hidden data-pagefind-weight="7" data-pagefind-index-attrs="data-plain"'
            f' data-plain="{escape(plain(self.title))}"></span>{self.body}</body></html>'
        )


def plain(text: str) -> str:
    """'Huyện Đakrông' → 'Huyen Dakrong': what a reader types without Vietnamese input."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def records(site: Site, catalogues: dict[str, dict[str, str]]) -> list[Record]:
    """Every record of every language, in page order."""
    relations = Relations.of(site)
    default = site.default_language
    return [
        record
        for language in site.config.languages
        for record in _records_of(
            site,
            relations,
            i18n.Locale(language, catalogues.get(language, {}), catalogues[default]),
            "/" if language == default else f"/{language}/",
        )
    ]


def _records_of(site: Site, relations: Relations, lang: i18n.Locale, root: str) -> Iterator[Record]:
    """The records of one language, whose pages are under `root`."""
    for locality in site.localities.values():
        yield Record(
            f"{root}localities/{locality.id}/",
            lang.code,
            "locality",
            lang.text(locality.name),
            _locality(site, relations, locality, lang),
        )
    pillars = {pillar.id: pillar.name for pillar in site.config.pillars}
    for indicator in site.indicators.values():
        yield Record(
            f"{root}indicators/{indicator.id}/",
            lang.code,
            "indicator",
            lang.text(indicator.name),
            f"<p>{escape(lang.text(pillars[indicator.pillar]))}</p>"
            f"<p>{escape(lang.text(indicator.description))}</p>",
        )
    for name in ("about", "methodology"):
        document = site.pages[name, lang.code]
        yield Record(f"{root}{name}/", lang.code, "page", document.title, document.html)
    yield Record(
        f"{root}sources/", lang.code, "source", lang.t("nav.sources"), _sources(site, lang)
    )


def _locality(site: Site, relations: Relations, locality: Locality, lang: i18n.Locale) -> str:
    """'Huyện · mã 464 · thuộc Tỉnh Quảng Trị', the units it became or came from, its note and
    narrative's summary."""
    facts = [lang.t(f"level.{locality.level}")]
    if locality.dissolved:
        facts.append(lang.t("locality.former"))
    if locality.code:
        facts.append(f"{lang.t('locality.code')} {locality.code}")
    ancestors = relations.ancestors(locality.id)[::-1]  # the nearest first
    if ancestors:
        facts.append(f"{lang.t('locality.parent')} {_names(ancestors, lang)}")
    parts = [f"<p>{escape(' · '.join(facts))}</p>"]
    successors = [site.localities[unit] for unit in locality.successor]
    for label, units in (
        ("locality.successor", successors),
        ("locality.predecessors", relations.predecessors.get(locality.id, [])),
    ):
        if units:
            parts.append(f"<p>{escape(lang.t(label))} {escape(_names(units, lang))}</p>")
    if locality.note:
        parts.append(f"<p>{escape(lang.text(locality.note))}</p>")
    narrative = site.narratives.get((locality.id, lang.code))
    if narrative and narrative.summary:  # its whole text would double the index's memory
        parts.append(f"<p>{escape(narrative.summary)}</p>")
    return "".join(parts)


def _names(localities: Iterable[Locality], lang: i18n.Locale) -> str:
    return ", ".join(lang.text(locality.name) for locality in localities)


def _sources(site: Site, lang: i18n.Locale) -> str:
    """Each source a section with its anchor on the page of sources, as Pagefind's sub-result."""
    parts = []
    for source in sorted(site.sources.values(), key=lambda source: (source.type, source.id)):
        facts = (
            source.short,
            source.publisher,
            source.author,
            lang.t(f"source.type.{source.type}"),
        )
        parts.append(
            f'<h2 id="{source.id}" data-pagefind-index-attrs="data-plain"'
            f' data-plain="{escape(plain(source.title))}">{escape(source.title)}</h2>'
            f"<p>{escape(' · '.join(fact for fact in facts if fact))}</p>"
        )
        if source.note:
            parts.append(f"<p>{escape(lang.text(source.note))}</p>")
    return "".join(parts)


def digest(records: Iterable[Record]) -> str:
    """What the index is made of, for `serve` to index again only when it changed."""
    hashed = hashlib.blake2b(digest_size=16)
    for record in records:
        hashed.update(record.document().encode() + b"\0" + record.url.encode() + b"\0")
    return hashed.hexdigest()


def keep(records: Iterable[Record], documents: Path) -> tuple[str, ...]:
    """Each record kept in `documents`/<language>/<url>/index.html, the HTML file Pagefind
    reads, and nothing else there; a file whose bytes did not change is left alone. Kept across
    builds rather than made and deleted in each: ext4 is slow to make files for a while after
    many were deleted (`benchmarks/run.py`). Returns the records' languages."""
    wanted: dict[str, dict[Path, bytes]] = {}
    for record in records:
        kept = wanted.setdefault(record.language, {})
        kept[documents / record.language / record.url.lstrip("/") / "index.html"] = (
            record.document().encode()
        )
    for language, kept in wanted.items():
        folder = documents / language
        for path in folder.rglob("*.html") if folder.exists() else ():
            if path not in kept:
                path.unlink()
        for path, content in kept.items():
            if not path.exists() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
    return tuple(wanted)


def index(site: Path, documents: Path, languages: Iterable[str]) -> None:
    """Write the Pagefind bundle of the records kept in `documents` (`keep`) into
    `site`/pagefind, replacing any there: each language's by a Pagefind of its own, all at once
    (0.35 GB each at country scale), each on its own share of the cores."""
    languages = tuple(languages)
    written = Path(tempfile.mkdtemp(prefix=f".{BUNDLE}-", dir=site))
    indexing: list[_Pagefind] = []
    try:
        for language, cores in zip(languages, _shares_of_cores(len(languages)), strict=True):
            output = written / f".{language}" if indexing else written  # the first's in place
            with _on_cores(cores):
                indexing.append(_Pagefind(documents / language, output))
        for pagefind in indexing:
            pagefind.wait()
    except (OSError, RuntimeError) as error:
        for pagefind in indexing:
            pagefind.stop()
        shutil.rmtree(written, ignore_errors=True)
        detail = " ".join(str(error).split()) or type(error).__name__
        message = (
            f"search indexing failed: {detail}. Check that Pagefind is installed: pip install -e ."
        )
        raise BuildError([Problem(BUNDLE, 0, message)]) from None
    _bundle(written, [pagefind.output for pagefind in indexing[1:]])
    shutil.rmtree(site / BUNDLE, ignore_errors=True)  # `serve` indexes again in place
    written.rename(site / BUNDLE)


def _shares_of_cores(count: int) -> list[set[int] | None]:
    """The cores this process may use, in `count` shares, one for each Pagefind; None for all.

    A Pagefind runs over a hundred threads, which share its memory. Spread over every core,
    each change to that memory's mapping (its allocator hands memory back often) interrupts the
    other cores. At country scale on two cores, both languages' Pagefinds spent 5.4 of their
    10.8 s of CPU in the kernel; kept to a core each, 4.2 s, and they were done in 5.1 s, not 5.9."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if count < 2 or len(cores) < 2:
        return [None] * count
    if len(cores) < count:
        return [{cores[share % len(cores)]} for share in range(count)]
    size = len(cores) // count
    return [set(cores[share * size : (share + 1) * size]) for share in range(count)]


@contextlib.contextmanager
def _on_cores(cores: set[int] | None) -> Iterator[None]:
    """This thread kept to `cores` meanwhile, and so the processes it starts, for good."""
    if cores is None:
        yield
        return
    thread = threading.get_native_id()  # `serve` indexes in a thread: the others stay free
    before = os.sched_getaffinity(thread)
    os.sched_setaffinity(thread, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(thread, before)


class _Pagefind:
    """Pagefind's command line indexing one folder of records into `output`, started now.

    The command line, rather than the Python API's service: the service reads each record
    from a request of its own and hands the files back as one message, which took three times
    the CPU (our process's included) at country scale."""

    def __init__(self, folder: Path, output: Path):
        executable = get_executable()
        if executable is None:
            raise RuntimeError("no Pagefind binary found")
        self.output = output
        command = [str(executable), "--site", str(folder), "--output-path", str(output)]
        self._process = subprocess.Popen(
            [*command, "--silent"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    def wait(self) -> None:
        said, _ = self._process.communicate()
        if self._process.returncode != 0:
            raise RuntimeError(said.decode(errors="replace") or "Pagefind stopped")

    def stop(self) -> None:
        if self._process.returncode is None:  # not waited for yet
            self._process.kill()
            self._process.communicate()


def _bundle(folder: Path, others: list[Path]) -> None:
    """The other languages' indexes moved into `folder`, which holds the first's (each index's
    files are named after its language; the scripts every one writes are the same), without
    the unused interfaces, and one entry file that lists every language, its keys sorted (two
    builds are byte-identical)."""
    entries = [json.loads((part / ENTRY).read_bytes()) for part in (folder, *others)]
    for part in others:
        for parent, _, names in os.walk(part):  # 15,000 files a language at country scale
            into = os.path.join(folder, os.path.relpath(parent, part))
            os.makedirs(into, exist_ok=True)
            for name in names:
                if not os.path.exists(target := os.path.join(into, name)):
                    os.rename(os.path.join(parent, name), target)
        shutil.rmtree(part)
    for name in os.listdir(folder):
        if any(fnmatch(name, unused) for unused in UNUSED):
            os.remove(folder / name)
    languages: dict[str, dict] = {}
    for entry in entries:  # each lists its language alone
        languages |= entry["languages"]
    (folder / ENTRY).write_text(
        json.dumps(
            entries[-1] | {"languages": languages},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
