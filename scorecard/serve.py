"""`build.py serve`: build, serve on 127.0.0.1, rebuild and reload the browser on every edit.

A small WSGI app serves the output folder; while the last build failed it answers every page
with the errors instead of a stale page, and the server keeps running until the edit is fixed.

The kernel says which files were saved (inotify, through watchfiles); their content hashes say
whether they changed. An edit of observation files or narratives only re-renders the pages that
depend on it (`build.regenerate`) and writes those whose bytes changed: the edited units' own
pages first, and the browser reloads; then, in the background, the other pages it changed (its
rankings, the units whose rank it moved), and the browser reloads again, then the outputs that
gather every locality (data files, feeds, previews, search index). Any other edit rebuilds
everything, writing only the files whose bytes changed.
"""

from __future__ import annotations

import dataclasses
import gc
import html
import mimetypes
import sys
import threading
import time
from collections.abc import Callable, Collection
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from . import search, write
from .build import Built, catch_up, gather, generate, no_collection, redraw, regenerate
from .errors import BuildError

WATCHED = ("site.yaml", "data", "content", "templates", "static", "locales")


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
        self.reload: Callable[[], None] = lambda: None
        """Reloads the browsers, from any thread (the watcher says how)."""

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
            return
        except Exception as error:  # a bug must not stop the server while the editor works
            self.errors = [f"{type(error).__name__}: {error}"]
            print(self.errors[0], file=sys.stderr)
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
        self.errors = []
        follow = f"; {len(built.pending)} more page(s), data files and search index follow."
        print(
            f"Rebuilt in {time.perf_counter() - started:.2f} s, {len(changed_files)} file(s) "
            "changed" + (follow if partial else ".")
        )
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
        browsers reload again), then build-time SVGs of the charts it changed, data files,
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
                    if changed:
                        self.reload()
                redrawn = redraw(built)
                extras = gather(built.site, built.scores, built.catalogues, self.root, built.pages)
            except BuildError as error:  # in a page left for later: shown like any other
                self.errors = [str(problem) for problem in error.problems]
                print("\n".join(self.errors), file=sys.stderr)
                self.reload()
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
            search.index(self.out, records)
            self.indexed = digest
        except BuildError as error:
            self.errors = [str(problem) for problem in error.problems]
            print("\n".join(self.errors), file=sys.stderr)

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


class _Watcher(Watcher):
    """livereload's own watcher asks every watched file for its modification time every 0.8 s
    (18,000 files at country scale); this one is told by the kernel as soon as a file is saved,
    rebuilds, and reloads the browser at once (livereload would skip a reload within 3 s of
    the previous one)."""

    def __init__(self, dev: DevSite, paths: list[Path]):
        super().__init__()
        self.dev = dev
        self.paths = [path for path in paths if path.exists()]

    def start(self, callback) -> bool:
        loop = IOLoop.current()
        self.dev.reload = lambda: loop.add_callback(LiveReloadHandler.reload_waiters)

        def watch() -> None:
            for changes in watchfiles.watch(*self.paths, debounce=30, step=10):
                loop.add_callback(self.changed, {path for _, path in changes})

        threading.Thread(target=watch, daemon=True).start()
        return True  # livereload need not poll

    def changed(self, paths: set[str]) -> None:
        self.dev.rebuild(paths)
        self.filepath = sorted(paths)[0]
        LiveReloadHandler.reload_waiters()


def serve(root: Path, out: Path, port: int) -> int:
    dev = DevSite(root, out)
    dev.rebuild()
    server = Server(app=dev, watcher=_Watcher(dev, [root / name for name in WATCHED]))
    server.serve(port=port, host="127.0.0.1", debug=False, restart_delay=0)
    return 0
