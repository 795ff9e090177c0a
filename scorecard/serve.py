"""`build.py serve`: build, serve on 127.0.0.1, rebuild and reload the browser on every edit.

A small WSGI app serves the output folder; while the last build failed it answers every page
with the errors instead of a stale page, and the server keeps running until the edit is fixed.
Rebuilds write only the files whose bytes changed.
"""

from __future__ import annotations

import html
import mimetypes
import sys
import time
from pathlib import Path

from livereload import Server

from . import write
from .build import generate
from .errors import BuildError

WATCHED = ("site.yaml", "data", "content", "templates", "static", "locales")


class DevSite:
    """The output folder and the outcome of the last build."""

    def __init__(self, root: Path, out: Path):
        self.root = root
        self.out = out
        self.errors: list[str] = []

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            built = generate(self.root)
        except BuildError as error:
            self.errors = [str(problem) for problem in error.problems]
            print("\n".join(self.errors), file=sys.stderr)
            print(f"{len(self.errors)} problem(s): fix them and save.", file=sys.stderr)
            return
        except Exception as error:  # a bug must not stop the server while the editor works
            self.errors = [f"{type(error).__name__}: {error}"]
            print(self.errors[0], file=sys.stderr)
            return
        self.errors = []
        changed = write.update(built.files, self.out)
        print(f"Rebuilt in {time.perf_counter() - started:.2f} s, {len(changed)} file(s) changed.")

    def __call__(self, environ, start_response):
        """WSGI: the built file, or the errors while the build is broken."""
        path = environ.get("PATH_INFO", "/").lstrip("/")
        target = (self.out / path).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.errors and target.suffix in (".html", ""):
            return self._respond(
                start_response, "500 Build failed", "text/html; charset=utf-8", self._error_page()
            )
        if not target.is_file() or self.out.resolve() not in target.parents:
            page = self.out / "404.html"
            body = page.read_bytes() if page.is_file() else b"Not found"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _error_page(self) -> bytes:
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.errors)
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed</title></head>"
            f"<body><h1>The build failed</h1><p>Fix these and save; this page reloads.</p><ul>{items}</ul></body></html>"
        ).encode()

    @staticmethod
    def _respond(start_response, status: str, kind: str, body: bytes):
        start_response(
            status,
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def serve(root: Path, out: Path, port: int) -> int:
    dev = DevSite(root, out)
    dev.rebuild()
    server = Server(app=dev)
    for name in WATCHED:
        server.watch(str(root / name), dev.rebuild, delay=0.2)
    server.serve(port=port, host="127.0.0.1", debug=False, restart_delay=0)
    return 0
