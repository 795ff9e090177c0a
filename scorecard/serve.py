"""`build.py serve`: build, serve on 127.0.0.1, rebuild and reload the browser on every edit.

A small WSGI app serves the output folder; while the last build failed it answers every page
with the errors instead of a stale page, and the server keeps running until the edit is fixed.

The kernel says which files were saved (inotify, through watchfiles); their content hashes say
whether they changed. An edit of observation files or narratives only re-renders the pages that
depend on it (`build.regenerate`) and writes those whose bytes changed: the edited units' own
pages first; then, in the background, the other pages it changed (its rankings, the units whose
rank it moved), then the outputs that gather every locality (data files, feeds, previews, search
index). Any other edit rebuilds everything, writing only the files whose bytes changed.

Each page served loads livereload.js, which keeps a WebSocket open and says which page it shows.
After each step a browser reloads only if its page was written (or a stylesheet or another asset
every page uses); every browser reloads when the build fails, to show the errors, and when it is
fixed. The editor's browser thus reloads once per save, and a browser showing another page not
at all.
"""

from __future__ import annotations

import dataclasses
import gc
import html
import json
import mimetypes
import posixpath
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection
from pathlib import Path

import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.ioloop import IOLoop
from tornado.wsgi import WSGIContainer

from . import search, write
from .build import Built, catch_up, gather, generate, no_collection, redraw, regenerate
from .errors import BuildError

WATCHED = ("site.yaml", "data", "content", "templates", "static", "locales")
RELOADER = b'<script src="/livereload.js" defer></script>'
"""Added to every page served: a same-origin script, which the pages' CSP allows (livereload's
own snippet is inline, which it refuses). livereload.js reads the port from its address."""


class DevSite:
    """The output folder, what is written there, and the outcome of the last build."""

    def __init__(self, root: Path, out: Path):
        self.root = root
        self.out = out
        self.errors: list[str] = []
        self.built: Built | None = None
        self.written: dict[str, str] = {}
        """Output path → digest of the bytes this server wrote there."""
        self.lock = threading.Lock()  # one writer at a time: an edit, or the background
        self.edits = 0
        self.settling: threading.Thread | None = None
        self.indexed = ""
        """Digest of the records of the search index written (`search.digest`)."""
        self.reload: Callable[[Collection[str] | None], None] = lambda changed: None
        """Reloads the browsers showing one of these output paths (None: every browser), from
        any thread (`serve` says how)."""

    def rebuild(self, changed: Collection[str] = ()) -> None:
        """Build again after `changed` (absolute paths; empty: build everything)."""
        started = time.perf_counter()
        relative = {self._relative(path) for path in changed}
        try:
            built = None
            if self.built is not None and relative and not self.errors:
                with no_collection():
                    built = regenerate(self.built, relative, own_first=True)
            partial = built is not None
            if built is None:
                if self.settling is not None:
                    self.settling.join()  # a full build forks its workers: no thread running
                built = generate(self.root)
        except BuildError as error:
            self.errors = [str(problem) for problem in error.problems]
            print("\n".join(self.errors), file=sys.stderr)
            print(f"{len(self.errors)} problem(s): fix them and save.", file=sys.stderr)
            self.reload(None)  # every page shows the errors
            return
        except Exception as error:  # a bug must not stop the server while the editor works
            self.errors = [f"{type(error).__name__}: {error}"]
            print(self.errors[0], file=sys.stderr)
            self.reload(None)
            return
        with self.lock:
            self.edits += 1
            if not self.written:  # first build: the folder may hold an earlier session's site
                changed_files = write.update(built.files, self.out, keep=search.BUNDLE)
                self.written = {path: write.digest(data) for path, data in built.files.items()}
            elif partial:
                assert self.built is not None
                gone = self.built.pages - built.pages
                changed_files = write.refresh(built.files, self.out, self.written, gone)
            else:
                gone = set(self.written) - built.files.keys()
                changed_files = write.refresh(built.files, self.out, self.written, gone)
            previous, self.built = self.built, dataclasses.replace(built, files={})  # hashes kept
        fixed, self.errors = bool(self.errors), []
        follow = f"; {len(built.pending)} more page(s), data files and search index follow."
        print(
            f"Rebuilt in {time.perf_counter() - started:.2f} s, {len(changed_files)} file(s) "
            "changed" + (follow if partial else ".")
        )
        self.reload(None if fixed else changed_files)  # no page shows the errors any more
        if partial:
            self._settle_in_background()
            return
        if previous is None or any(path.endswith(".html") for path in changed_files):
            self._index()
        gc.collect()
        gc.freeze()  # a site of 15,000 localities is millions of objects that stay: an edit's
        # collections then look at the objects it makes, not at all of them (0.5 s each)

    def _relative(self, path: str) -> str:
        """The path under the project; a file outside it (a linked folder) stays absolute,
        which no incremental rebuild accepts."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    def _settle_in_background(self) -> None:
        """The other pages the edit changed (its rankings, the units whose rank it moved; the
        browsers showing them reload), then build-time SVGs of the charts it changed, data files,
        feeds, previews and the search index, for the last edit, in a thread; one at a time: a
        newer edit's pass starts when the running one ends."""
        if self.settling is not None and self.settling.is_alive():
            return  # it looks again for a newer edit when it ends
        self.settling = threading.Thread(target=self._settle, daemon=True)
        self.settling.start()

    def _settle(self) -> None:
        settled = -1
        while settled != self.edits:
            with self.lock:
                settled, built = self.edits, self.built
            assert built is not None and built.basis is not None
            try:
                if built.pending:
                    caught = catch_up(built, fork=False)
                    with self.lock:
                        if settled != self.edits:
                            continue  # a newer edit came in: its pending pages include these
                        changed = write.refresh(caught.files, self.out, self.written)
                        self.built = built = dataclasses.replace(caught, files={})
                    print(f"{len(changed)} more page(s) the edit changed written.")
                    self.reload(changed)
                redrawn = redraw(built)
                extras = gather(built.site, built.scores, built.catalogues, self.root, built.pages)
            except BuildError as error:  # in a page left for later: shown like any other
                self.errors = [str(problem) for problem in error.problems]
                print("\n".join(self.errors), file=sys.stderr)
                self.reload(None)
                return
            except Exception as error:  # a bug must not stop the server while the editor works
                print(f"{type(error).__name__}: {error}", file=sys.stderr)
                return
            with self.lock:
                if settled != self.edits:
                    continue  # a newer edit came in: gather for it instead
                if redrawn is not None:
                    extras |= redrawn.files
                    self.built = dataclasses.replace(redrawn, files={})
                changed = write.refresh(extras, self.out, self.written)
            self._index()
            print(f"Data files and search index updated, {len(changed)} file(s) changed.")

    def _index(self) -> None:
        """The search index, when its records changed: an edit of figures changes none."""
        built = self.built
        assert built is not None
        records = search.records(built.site, built.catalogues)
        if (digest := search.digest(records)) == self.indexed:
            return
        try:
            documents = self.root / search.DOCUMENTS
            search.index(self.out, documents, search.keep(records, documents))
            self.indexed = digest
        except BuildError as error:
            self.errors = [str(problem) for problem in error.problems]
            print("\n".join(self.errors), file=sys.stderr)

    def __call__(self, environ, start_response):
        """WSGI: the built file, or the errors while the build is broken."""
        target = (self.out / self.file(environ.get("PATH_INFO", "/"))).resolve()
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

    def file(self, address: str) -> str:
        """The output file served at the address `address` (a path, without its query): a
        folder's index.html."""
        path = address.lstrip("/")
        if not path or path.endswith("/") or (self.out / path).is_dir():
            return posixpath.join(path, "index.html")
        return path

    def _error_page(self) -> bytes:
        items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in self.errors)
        return (
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Build failed</title></head>"
            f"<body><h1>The build failed</h1><p>Fix these and save; this page reloads.</p><ul>{items}</ul></body></html>"
        ).encode()

    @staticmethod
    def _respond(start_response, status: str, kind: str, body: bytes):
        if kind.startswith("text/html"):
            body = body.replace(b"</head>", RELOADER + b"</head>", 1)
        start_response(
            status,
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


class _Browser(LiveReloadHandler):
    """A browser's WebSocket to livereload.js, which says at once which page it shows."""

    path = ""
    """The page's address (a path, without its query)."""

    def on_message(self, message: str) -> None:
        super().on_message(message)  # answers the handshake
        if url := json.loads(message).get("url"):
            self.path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)

    @staticmethod
    def reload(dev: DevSite, changed: Collection[str] | None) -> None:
        """Reload the browsers showing one of the output files `changed` (None: every one);
        all of them when an asset every page uses changed (a stylesheet keeps its address)."""
        everyone = changed is None or any(path.startswith("assets/") for path in changed)
        for browser in list(LiveReloadHandler.waiters):
            if everyone or dev.file(browser.path) in changed:
                browser.send_message({"command": "reload", "path": browser.path})


def _watch(dev: DevSite, paths: list[Path], loop: IOLoop) -> None:
    """Rebuild on the server's loop as soon as the kernel says a file was saved: livereload's
    own watcher would ask 18,000 files at country scale for their modification time every
    0.8 s, and skip a reload within 3 s of the previous one."""
    for changes in watchfiles.watch(*paths, debounce=30, step=10):
        loop.add_callback(dev.rebuild, {path for _, path in changes})


def serve(root: Path, out: Path, port: int) -> int:
    dev = DevSite(root, out)
    dev.rebuild()
    loop = IOLoop.current()
    dev.reload = lambda changed: loop.add_callback(_Browser.reload, dev, changed)
    routes = [
        (r"/livereload", _Browser),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r".*", web.FallbackHandler, {"fallback": WSGIContainer(dev)}),
    ]
    web.Application(routes).listen(port, address="127.0.0.1")
    watched = [root / name for name in WATCHED if (root / name).exists()]
    threading.Thread(target=_watch, args=(dev, watched, loop), daemon=True).start()
    print(f"Serving on http://127.0.0.1:{port}/", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    return 0
