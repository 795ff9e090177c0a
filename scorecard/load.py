"""Stage 1, load: read the editors' files. The only stage that reads from disk.

YAML is parsed here into located values (`yamlio`); a file that cannot be parsed becomes a
`Problem` and loading goes on, so the editor sees every broken file at once. The observation
files, thousands at country scale, are read as text: `validate` parses and checks each one on
every core and keeps only its figures, not 1.7 million located values.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import yamlio
from .errors import Problem


@dataclass(frozen=True)
class YAMLFile:
    path: str  # relative to the project root, with '/' separators
    data: yamlio.Value
    digest: str = ""
    """Hash of the file's bytes: what `serve` compares to know whether it changed."""


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str
    digest: str = ""


@dataclass
class RawSite:
    """The editors' input as read: parsed YAML trees and Markdown texts, plus parse problems."""

    root: Path
    site: YAMLFile | None
    localities: YAMLFile | None
    indicators: YAMLFile | None
    sources: YAMLFile | None
    observations: list[TextFile]
    """The figures' files, as text (parsed by `validate`)."""
    narratives: list[TextFile]
    pages: list[TextFile]
    catalogues: dict[str, dict]
    """Interface messages per language, from locales/<lang>.yaml."""
    assets: dict[str, bytes]
    """Files of static/, by output path under assets/."""
    problems: list[Problem] = field(default_factory=list)


_parsed_cache: dict[tuple[str, str], yamlio.Value] = {}
"""Parsed YAML by (path, content hash): `serve` loads again only the files that changed."""


def forget() -> None:
    """Let go of the parsed files kept for `serve`."""
    _parsed_cache.clear()


def load(root: Path) -> RawSite:
    problems: list[Problem] = []

    def yaml_file(relative: str, required: bool = True) -> YAMLFile | None:
        path = root / relative
        if not path.is_file():
            if required:
                problems.append(
                    Problem(relative, 0, "file is missing. Create it (see docs/format.md).")
                )
            return None
        return _parse(root, path, problems)

    return RawSite(
        root=root,
        site=yaml_file("site.yaml"),
        localities=yaml_file("data/localities.yaml"),
        indicators=yaml_file("data/indicators.yaml"),
        sources=yaml_file("data/sources.yaml"),
        observations=_texts(root, "data/observations", problems, "*.yaml"),
        narratives=_texts(root, "content/localities", problems),
        pages=_texts(root, "content/pages", problems),
        catalogues=_catalogues(root, problems),
        assets={
            "assets/" + path.relative_to(root / "static").as_posix(): path.read_bytes()
            for path in sorted((root / "static").rglob("*"))
            if path.is_file() and not path.name.startswith(".")
        },
        problems=problems,
    )


def _parse(root: Path, path: Path, problems: list[Problem]) -> YAMLFile | None:
    relative = path.relative_to(root).as_posix()
    raw = path.read_bytes()
    key = (relative, _digest(raw))
    if key not in _parsed_cache:
        text = _decode(raw, relative, problems)
        if text is None:
            return None
        try:
            _parsed_cache[key] = yamlio.parse(text, relative)
        except yamlio.ParseError as error:
            problems.append(error.problem)
            return None
    return YAMLFile(relative, _parsed_cache[key], key[1])


def _texts(root: Path, folder: str, problems: list[Problem], pattern="*.md") -> list[TextFile]:
    files = (_text(root, path, problems) for path in sorted((root / folder).glob(pattern)))
    return [file for file in files if file is not None]


def _text(root: Path, path: Path, problems: list[Problem]) -> TextFile | None:
    raw = path.read_bytes()
    relative = path.relative_to(root).as_posix()
    text = _decode(raw, relative, problems)
    return None if text is None else TextFile(relative, text, _digest(raw))


def _catalogues(root: Path, problems: list[Problem]) -> dict[str, dict]:
    """Interface messages: translators' files, read plainly but reported like the editors'."""
    catalogues = {}
    for path in sorted((root / "locales").glob("*.yaml")):
        relative = path.relative_to(root).as_posix()
        text = _decode(path.read_bytes(), relative, problems)
        try:
            if text is None:
                continue
            yamlio.parse(text, relative)  # strict checks and located messages, as for editors
        except yamlio.ParseError as error:
            problems.append(error.problem)
            continue
        tree = yaml.load(text, Loader=yamlio.Loader) or {}
        if not isinstance(tree, dict):
            problems.append(
                Problem(relative, 1, "expected messages like 'nav.overview: Overview'.")
            )
            continue
        catalogues[path.stem] = tree
    return catalogues


def _decode(raw: bytes, relative: str, problems: list[Problem]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(relative, 0, f"is not UTF-8 text ({error.reason}). Save it as UTF-8.")
        )
        return None


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


LOCAL = ("data/observations/", "content/localities/")
"""Folders of files about one locality each: a change there can be reloaded on its own."""


def reload(raw: RawSite, changed: Iterable[str]) -> RawSite | None:
    """`raw` with the observation files and narratives at `changed` (paths relative to the root)
    read again, added or gone; None when another kind of file changed (load it all again)."""
    if not all(path.startswith(LOCAL) and "/" not in path.split("/", 2)[2] for path in changed):
        return None
    changed = {  # what `load` reads there; an editor's swap or backup file is not an input
        path for path in changed if path.endswith(".yaml" if path.startswith(LOCAL[0]) else ".md")
    }
    problems = [problem for problem in raw.problems if problem.path not in changed]
    observations = {file.path: file for file in raw.observations}
    narratives = {file.path: file for file in raw.narratives}
    for path in changed:
        full = raw.root / path
        observations.pop(path, None)
        narratives.pop(path, None)
        if not full.is_file():
            continue
        if (text := _text(raw.root, full, problems)) is not None:
            (observations if path.startswith(LOCAL[0]) else narratives)[path] = text
    return dataclasses.replace(
        raw,
        observations=[observations[path] for path in sorted(observations)],
        narratives=[narratives[path] for path in sorted(narratives)],
        problems=problems,
    )
