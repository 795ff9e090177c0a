"""Search: the records readers search, made from the model, and the Pagefind bundle of them.

Each locality, indicator, the sources and the about and methodology pages is one record per
language: its title and what a reader looks it up by (level, code, the units it belongs to, the
units it became or came from, narrative; pillar and description; each source's title and
publisher; the page's text), not the tables of figures and quotes every page repeats.
Pagefind's memory grows with the distinct words of each record (about 0.7 kB each): crawling
the written pages took 4.3 GB at country scale, these records under 0.8 GB.

Records go to Pagefind through its Python API (the `pagefind` package, which runs the binary of
`pagefind-bin` as a service) as small HTML documents rather than plain-text records, so that
the title keeps the weight of a heading (a locality ranks above the units that merely name it)
and each source is a section with an anchor (a sub-result linking to it). Each language is an
index of its own, made one after the other: the next language's records are read while one
language's index is written, never two indexes at once. Pagefind hands the files over and
they are written here: it answers before its own writes are done.

Pagefind folds tone marks ("quang tri" finds "Quảng Trị") but Đ is a letter of its own, not a
D with a mark, so "dakrong" would miss "Đakrông". Each record therefore carries the plain form of
its title (and each source the plain form of its own) in an attribute Pagefind indexes.

`build` indexes the staging folder before the swap: a failed index leaves the previous site in
place. `serve` indexes again after an edit that changes a record (not after one of figures).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatch
from html import escape, unescape
from pathlib import Path
from typing import NoReturn

from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from . import i18n, write
from .errors import BuildError, Problem
from .model import Locality, Site
from .render import Relations

BUNDLE = "pagefind"
"""Folder of the search bundle in the site; the search page loads `pagefind/pagefind.js`."""

UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")
"""Pagefind's ready-made interfaces, which the site does not load."""

SENT_AT_ONCE = 500
"""Records sent to Pagefind before waiting for its answers: 15,000 requests at once took 22 MB
more at country scale, and no less time."""


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
    narrative."""
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
    if narrative:
        parts.append(f"<p>{_unmarked(narrative.markdown)}</p>")
    return "".join(parts)


_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[#*_`|>~]+")
"""Links (their text is kept), raw HTML tags, and the marks of headings, emphasis, code,
tables and quotes."""


def _unmarked(markdown: str) -> str:
    """A narrative's words, escaped, without its Markdown: 12,000 narratives converted to HTML
    here would take seconds at country scale (the workers that render the pages do it)."""
    return escape(unescape(_MARKUP.sub(lambda match: match.group(1) or " ", markdown)))


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


def index(site: Path, records: Iterable[Record]) -> None:
    """Write the Pagefind bundle of `records` into `site`/pagefind, replacing any there."""
    by_language: dict[str, list[Record]] = {}
    for record in records:
        by_language.setdefault(record.language, []).append(record)
    written = Path(tempfile.mkdtemp(prefix=f".{BUNDLE}-", dir=site))
    try:
        with ThreadPoolExecutor(1) as thread:  # the caller may run an event loop: `serve` does
            thread.submit(asyncio.run, _bundle(by_language, written)).result()
    except Exception as error:
        shutil.rmtree(written, ignore_errors=True)
        detail = " ".join(str(error).split()) or type(error).__name__
        message = (
            f"search indexing failed: {detail}. Check that Pagefind is installed: pip install -e ."
        )
        raise BuildError([Problem(BUNDLE, 0, message)]) from None
    shutil.rmtree(site / BUNDLE, ignore_errors=True)  # `serve` indexes again in place
    written.rename(site / BUNDLE)


async def _bundle(by_language: dict[str, list[Record]], folder: Path) -> None:
    """The bundle's files in `folder`: each language's index (its files are named after it),
    and one entry file that lists them all, its keys sorted (two builds are byte-identical).

    One language's index is written while the next language's records are read: at country
    scale, Pagefind takes 0.15 GB to read 15,000 records and 0.7 GB to write their index, so
    two indexes written at once would double the build's peak (side by side, the two took
    11.3 s instead of 16.9 s, but 1.3 GB instead of 0.65 GB)."""
    entries: list[dict] = []
    writing: asyncio.Task | None = None  # the last language's index
    for records in by_language.values():
        reading = asyncio.create_task(_read(records))
        if writing is not None:
            entries.append(await writing)
        writing = asyncio.create_task(_written(*await reading, folder))
    if writing is not None:
        entries.append(await writing)
    languages: dict[str, dict] = {}
    for entry in entries:  # each lists its language alone
        languages |= entry["languages"]
    entry = entries[-1] | {"languages": languages} if entries else {"languages": {}}
    (folder / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )


async def _read(records: list[Record]) -> tuple[_Service, PagefindIndex]:
    """A Pagefind of its own, with one language's records read into its index."""
    service = await _Service().launch()
    try:
        pagefind = await service.create_index()
        for start in range(0, len(records), SENT_AT_ONCE):
            await asyncio.gather(
                *(
                    pagefind.add_html_file(content=record.document(), url=record.url)
                    for record in records[start : start + SENT_AT_ONCE]
                )
            )
    except Exception as error:
        await _stopped(service, error)
    return service, pagefind


async def _written(service: _Service, pagefind: PagefindIndex, folder: Path) -> dict:
    """The files of the index, written into `folder` (in a thread: meanwhile Pagefind reads
    the next language's records); its entry file's content, which lists its language alone."""
    try:
        made = await pagefind.get_files()
    except Exception as error:
        await _stopped(service, error)
    await service.close()
    files = {  # the interfaces are beside the entry, the fragments in folders
        file["path"]: file["content"]
        for file in made
        if "/" in file["path"] or not any(fnmatch(file["path"], unused) for unused in UNUSED)
    }
    entry = json.loads(files.pop("pagefind-entry.json"))
    await asyncio.to_thread(write.write_files, files, folder)
    return entry


async def _stopped(service: _Service, error: Exception) -> NoReturn:
    """Raise what Pagefind said as it stopped: it tells more than the request that failed."""
    await service.close()
    raise RuntimeError(service.said or str(error)) from error


class _Service(PagefindService):
    """The API's service (pagefind 1.5.2), with two of its methods made fit for 30,000 records:
    - replies are read as they come, however long: the package's reader sleeps 0.1 s before
      each one (30,000 records would take 50 minutes) and refuses one over 2 MB (the bundle's
      files); when Pagefind stops, the requests still waiting fail with what it said (`said`)
      rather than wait forever;
    - closing ends Pagefind's input, then waits for it to exit and for its last words."""

    said = ""

    async def close(self) -> None:
        assert self._backend.stdin is not None
        self._backend.stdin.close()
        try:
            await asyncio.wait_for(self._backend.wait(), timeout=60)
        finally:
            if self._backend.returncode is None:
                self._backend.kill()
                await self._backend.wait()
        await self._poll_task  # it ends with Pagefind's output

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        pieces: list[bytes] = []  # of the reply being read; replies end with a comma
        reply = b""
        try:
            while chunk := await self._backend.stdout.read(1 << 20):
                *ends, rest = chunk.split(b",")
                for end in ends:
                    reply, pieces = b"".join([*pieces, end]), []
                    self._answer(reply)
                pieces.append(rest)
            reply = b"".join(pieces)  # what Pagefind said last, if anything
        except Exception:  # not a reply: what Pagefind says went wrong
            pass
        self._stopped(reply)

    def _answer(self, reply: bytes) -> None:
        message = json.loads(base64.b64decode(reply))
        payload = message["payload"]
        identity = message.get("message_id")
        if identity is None:  # a request Pagefind could not read, sent back
            identity = json.loads(payload.get("original_message") or "{}").get("message_id")
        waiting = self._responses.pop(identity, None)
        if waiting is None or waiting.done():
            return
        if payload["type"] == "Error":
            waiting.set_exception(RuntimeError(payload["message"]))
        else:
            waiting.set_result(payload)

    def _stopped(self, said: bytes) -> None:
        """Fail the requests still waiting with what Pagefind said."""
        self.said = " ".join(said.decode(errors="replace").split())
        for waiting in self._responses.values():
            if not waiting.done():
                waiting.set_exception(RuntimeError(self.said or "Pagefind stopped"))
                waiting.exception()  # retrieved: a request that failed to send awaits none
        self._responses.clear()
