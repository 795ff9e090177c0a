"""Command line: `build.py [--out DIR]`, `build.py serve`, `build.py check`.

The library raises; only this module prints and sets the exit code (1 for the editor's mistakes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import build as pipeline
from . import i18n
from .errors import BuildError
from .load import load


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the scorecard site.")
    parser.add_argument(
        "command",
        nargs="?",
        default="build",
        choices=("build", "serve", "check"),
        help="build (default), serve with live reload, or check the data only",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("_site"), help="output folder (default: _site)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port for serve (default: 8000)")
    args = parser.parse_args(argv)
    root = (root or Path.cwd()).resolve()
    out = args.out if args.out.is_absolute() else root / args.out
    if args.command == "serve":
        from .serve import serve

        return serve(root, out, args.port)
    try:
        if args.command == "check":
            site = pipeline.check(root)
            return _report_missing_messages(root, site.config.languages)
        started = time.perf_counter()
        built = pipeline.build(root, out)
    except BuildError as error:
        print(error, file=sys.stderr)
        outcome = "" if args.command == "check" else "; nothing was written"
        print(f"{len(error.problems)} problem(s){outcome}.", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"Built {len(built.files)} files into {out} in {elapsed:.2f} s.")
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
