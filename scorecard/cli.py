"""Command line: `build.py [--out DIR]`, `build.py serve`, `build.py check`, `build.py schemas`.

The library raises; only this module prints and sets the exit code (1 for the editor's mistakes).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import build as pipeline
from . import i18n, schema, write
from .errors import BuildError, Problem
from .load import load


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the scorecard site.")
    parser.add_argument(
        "command",
        nargs="?",
        default="build",
        choices=("build", "serve", "check", "schemas"),
        help="build (default), serve with live reload, check the data only, "
        "or regenerate the JSON Schemas of the data files",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("_site"), help="output folder (default: _site)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port for serve (default: 8000)")
    parser.add_argument(
        "--base-url", help="publish at this URL instead of site.yaml's base_url (for the deploy)"
    )
    args = parser.parse_args(argv)
    root = (root or Path.cwd()).resolve()
    out = args.out if args.out.is_absolute() else root / args.out
    if args.command == "serve":
        from .serve import serve

        return serve(root, out, args.port)
    if args.command == "schemas":
        return _write_schemas(root)
    base_url = args.base_url and args.base_url.rstrip("/") + "/"
    try:
        if args.command == "check":
            site = pipeline.check(root)
            return _report_missing_messages(root, site.config.languages)
        started = time.perf_counter()
        published = pipeline.build(root, out, base_url)
    except BuildError as error:
        print(error, file=sys.stderr)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            _annotate(error.problems)
        outcome = "" if args.command == "check" else "; nothing was written"
        print(f"{len(error.problems)} problem(s){outcome}.", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    for notice in published.notices:
        print(f"Notice: {notice}", file=sys.stderr)
    print(f"Built {len(published.paths)} files into {out} in {elapsed:.2f} s.")
    return 0


def _annotate(problems: list[Problem]) -> None:
    """GitHub workflow commands: each problem shows on its line of the pull request's diff."""
    for problem in problems:
        where = f"file={_escape(problem.path, ':,')}"
        where += f",line={problem.line}" if problem.line else ""
        print(f"::error {where}::{_escape(problem.message)}")


def _escape(text: str, also: str = "") -> str:
    for character in "%\r\n" + also:
        text = text.replace(character, f"%{ord(character):02X}")
    return text


def _write_schemas(root: Path) -> int:
    files = schema.schemas(schema.languages(load(root).site))
    write.write(files, root / "schemas")
    print(f"Wrote {len(files)} schemas into {root / 'schemas'}.")
    return 0


def _report_missing_messages(root: Path, languages: tuple[str, ...]) -> int:
    catalogues = i18n.catalogues(load(root).catalogues, languages)
    missing = i18n.missing_messages(catalogues, languages[0])
    for line in missing:
        print(
            f"locales/{line.replace(': ', '.yaml: missing message ', 1)} (the {languages[0]} text is shown)"
        )
    print(
        "The data is valid."
        + (f" {len(missing)} interface message(s) need translating." if missing else "")
    )
    return 0
