"""The benchmark: our build against Hugo's on the same content, and the edit-to-reload of `serve`.

    python benchmarks/run.py --scale 1.0        # the whole country (about 15,000 localities)
    python benchmarks/run.py --scale 0.01       # a quick run

For one synthetic tree (benchmarks/generate.py) it prints:
- our cold full build (`python build.py`, a fresh process, no chart or preview cache): wall time,
  CPU time, pages per second, and peak memory summed over the process and all its children;
- Hugo's build of the equivalent content (benchmarks/hugo/) in the same run: time, peak memory,
  and the ratios. Both builds run `--runs` times, taking turns (on a shared virtual machine, the
  same build's time varied by 20%), and the medians are compared;
- the edit-to-reload time of the real `python build.py serve`: the benchmark saves one
  observation file (one figure's value changed, as an editor fixing a typo would) and measures
  from just before the save until the server answers the locality's page with the new figure;
  it also reports when the page's bytes were on disk and which output files were rewritten;
- the same figures for the real site (the repository's own data).

Hugo is Debian's `hugo` package: the benchmark installs it with apt-get when it is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import generate  # noqa: E402

INODES_RECENT = 35
"""Seconds after which ext4 no longer skips a freed inode as recently freed (30 s, 35 while
its block is unwritten): see `new_folder`."""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss: int
    """Peak of the summed resident memory of the process and its children, in bytes."""
    peak_pss: int
    """The same with memory shared between processes counted once (proportional set size)."""
    output: str
    at_peak: dict[str, int]
    """RSS by program at the peak."""
    cpu: float = 0.0
    """CPU seconds (user and system) of the process and the children it waited for."""


class MemorySampler(threading.Thread):
    """Samples the memory of a process tree from /proc (RSS every 50 ms, PSS, which costs more
    to read, every 250 ms), keeping the peaks and what each program held at the RSS peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = 0
        self.at_peak: dict[str, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.done.is_set():
            rss, by_program, pss = 0, Counter(), 0
            for pid in _tree(self.pid):
                kilobytes = _kilobytes(f"/proc/{pid}/status", "VmRSS:")
                rss += kilobytes
                if kilobytes:  # not a process that has just ended
                    by_program[_program(pid)] += kilobytes * 1024
                if tick % 5 == 0:
                    pss += _kilobytes(f"/proc/{pid}/smaps_rollup", "Pss:")
            if rss * 1024 > self.peak_rss:
                self.peak_rss, self.at_peak = rss * 1024, dict(by_program)
            self.peak_pss = max(self.peak_pss, pss * 1024)
            tick += 1
            self.done.wait(0.05)


def _tree(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    queue += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return found


def _program(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            words = file.read().split(b"\0")
    except OSError:
        return "?"
    name = Path(words[0].decode(errors="replace")).name
    if name.startswith("python") and len(words) > 1:
        name += " " + Path(words[1].decode(errors="replace")).name
    return name


def _kilobytes(path: str, field: str) -> int:
    try:
        with open(path) as file:
            for line in file:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command to its end, timing it and sampling the memory of its process tree."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    sampler = MemorySampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    cpu = sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime"))
    return Run(seconds, sampler.peak_rss, sampler.peak_pss, output, sampler.at_peak, cpu)


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


# --- serve ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reload:
    to_served: float
    """From just before the save until the server answers the page with the new figure."""
    to_disk: float
    """From just before the save until the page's new bytes are in the output folder."""
    rewritten: list[str]
    """Output files whose modification time moved by the time the page was served."""
    to_every_page: float
    """From the save until `serve` said it wrote the other pages the edit changes (its
    rankings, the units whose rank it moved), which it renders after the reload."""
    caught_up: list[str]
    """Those other pages: output files rewritten after the reload, with them."""
    background: list[str]
    """Files the background pass rewrote after that (data files, feeds, search index)."""
    settled: float
    """From the save until the background pass ended."""


def edit_to_reload(tree: Path, work: Path, edits: int) -> tuple[float, list[Reload]]:
    """Start `build.py serve`, then save `edits` changes to one observation file, one at a time.

    Returns the time serve took to start, and what each edit took."""
    out = new_folder(work, "serve")
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port), "--out", str(out)],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            **os.environ,
            "SCORECARD_CACHE": str(tree.parent / "chart-cache"),
            "PYTHONUNBUFFERED": "1",
        },
    )
    log: list[str] = []
    heard: list[float] = []  # when each line of the log came

    def listen() -> None:
        for line in server.stdout:
            log.append(line)
            heard.append(time.perf_counter())

    threading.Thread(target=listen, daemon=True).start()
    try:
        locality, path = _edited_file(tree)
        page = f"localities/{locality}/"
        url = f"http://127.0.0.1:{port}/{page}"
        while _get(url) is None:
            if server.poll() is not None:
                raise SystemExit("serve stopped:\n" + "".join(log))
            time.sleep(0.05)
        startup = time.perf_counter() - started
        time.sleep(1.5)  # let the watcher settle after the first build
        reloads = []
        for number in range(edits):
            before = _mtimes(out)
            text = path.read_text(encoding="utf-8")
            new_text, shown = _change_a_value(text, number)
            said = len(log)
            saved = time.perf_counter()
            path.write_text(new_text, encoding="utf-8")
            to_disk = to_served = None
            while to_served is None:
                now = time.perf_counter() - saved
                if now > 120:
                    raise SystemExit("no reload within 120 s:\n" + "".join(log[-20:]))
                if to_disk is None and shown in (out / page / "index.html").read_text("utf-8"):
                    to_disk = now
                body = _get(url)
                if body is not None and shown in body:
                    to_served = time.perf_counter() - saved
                    served_at = time.time_ns()
                else:
                    time.sleep(0.002)
            written = ("more page(s) the edit changed written", "; 0 more page(s)")
            to_every_page = _heard(log, heard, said, saved, written)
            pages = _mtimes(out)  # what the edit wrote: before the reload, and its other pages
            while not any("search index updated" in line for line in log[said:]):  # since the save
                if time.perf_counter() - saved > 600 or server.poll() is not None:
                    raise SystemExit("the background pass did not end:\n" + "".join(log[-20:]))
                time.sleep(0.05)
            after = _mtimes(out)
            rewritten = sorted(p for p, m in pages.items() if before.get(p) != m)
            reloads.append(
                Reload(
                    to_served,
                    to_disk or to_served,
                    [p for p in rewritten if pages[p] <= served_at],
                    to_every_page,
                    [p for p in rewritten if pages[p] > served_at],
                    sorted(p for p, m in after.items() if pages.get(p) != m),
                    time.perf_counter() - saved,
                )
            )
        return startup, reloads
    finally:
        server.terminate()
        server.wait(10)


def _heard(log: list[str], heard: list[float], since: int, saved: float, words) -> float:
    """Seconds from `saved` until the server logged a line (after line `since`) with any of
    `words`, waiting for it."""
    while True:
        for index in range(since, len(heard)):
            if any(word in log[index] for word in words):
                return heard[index] - saved
        if time.perf_counter() - saved > 120:
            raise SystemExit("serve did not say it wrote the edit's pages:\n" + "".join(log[-20:]))
        time.sleep(0.01)


def _edited_file(tree: Path) -> tuple[str, Path]:
    """A commune's observation file with a figure the page quotes (see `_change_a_value`), or,
    on a site without one (the real site), the first observation file."""
    files = sorted((tree / "data" / "observations").glob("*.yaml"))
    for path in files:
        if path.stem.startswith("xa-") and _editable(path.read_text(encoding="utf-8")):
            return path.stem, path
    return files[0].stem, files[0]


def _editable(text: str) -> re.Match | None:
    """The first percentage given as a plain value, for an indicator with one figure in the file
    (so it is the latest, whose quote the locality's page shows)."""
    for match in re.finditer(
        r"  - indicator: (\S+)\n    value: (\d+)\.(\d)\n    period: .*\n"
        r"(?:    (?!kind|numerator).*\n)*?    quote: \"(.*)\"\n",
        text,
    ):
        if text.count(f"indicator: {match.group(1)}\n") == 1:
            return match
    return None


def _change_a_value(text: str, number: int) -> tuple[str, str]:
    """The text with that figure nudged (by 0.1 to 0.9) and its quote to match; and the new
    quote, which the locality's page shows. Without such a figure, the first quote of the
    file is corrected instead (a word added), as an editor fixing a typo in it would."""
    match = _editable(text)
    if match is None:
        quote = next(
            (
                found
                for found in re.finditer(
                    r"  - indicator: (\S+)\n(?:    .*\n)*?    quote: \"(.*)\"\n", text
                )
                if text.count(f"indicator: {found.group(1)}\n") == 1
                and "kind: target" not in found.group(0)
            ),
            None,
        )
        if quote is None:
            raise SystemExit("no figure to edit")
        new_quote = f"{quote.group(2)} (sửa {number + 1})"
        block = quote.group(0).replace(f'quote: "{quote.group(2)}"', f'quote: "{new_quote}"')
        return text.replace(quote.group(0), block, 1), new_quote
    _, whole, tenth, quote_text = match.groups()
    new_tenth = (int(tenth) + 1 + number) % 10 or 1
    new_quote = quote_text.replace(f"{whole},{tenth}%", f"{whole},{new_tenth}%")
    block = match.group(0).replace(f"value: {whole}.{tenth}", f"value: {whole}.{new_tenth}")
    return text.replace(match.group(0), block.replace(quote_text, new_quote), 1), new_quote


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


SEARCH_STEP = """
import resource, sys, time
from pathlib import Path
from scorecard import i18n, search
from scorecard.load import load
from scorecard.validate import validate

def cpu():
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

raw = load(Path(sys.argv[1]))
site = validate(raw)
catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
started, used = time.perf_counter(), cpu()
documents = Path(sys.argv[1]) / search.DOCUMENTS
search.index(Path(sys.argv[2]), documents, search.keep(search.records(site, catalogues), documents))
print(time.perf_counter() - started, cpu() - used)
"""


def search_index(tree: Path, site: Path) -> tuple[float, float, Run]:
    """The search step of our build (`search.records`, `search.keep`, `search.index`) alone, on a built
    site, in a fresh process that loads the model first: the step's wall and CPU seconds
    (Pagefind's included), and the run, for the memory at the peak."""
    run = measure([sys.executable, "-c", SEARCH_STEP, str(tree), str(site)], REPO)
    seconds, cpu = map(float, run.output.split()[-2:])
    return seconds, cpu, run


# --- Hugo ---------------------------------------------------------------------------------------


def ensure_hugo() -> str:
    hugo = shutil.which("hugo")
    if hugo is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "hugo"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit("Hugo is missing: apt-get install hugo (Debian's package)")
    return hugo


def hugo_project(tree: Path, ours: Path, work: Path) -> Path:
    """Write the Hugo project equivalent to our build `ours` of `tree`."""
    from hugo.site import write_site

    from scorecard import i18n, load, score, validate

    raw = load.load(tree)
    site = validate.validate(raw)
    scores = score.score(site)
    catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
    project = work / "hugo"
    write_site(site, scores, catalogues, ours, project)
    return project


def hugo_build(project: Path, work: Path) -> tuple[Run, int]:
    """Time `hugo` on the project, into a new folder."""
    out = new_folder(work, "hugo-public")
    run = measure([ensure_hugo(), "--quiet", "-s", str(project), "-d", str(out)], project)
    return run, count_pages(out)


# --- the report ---------------------------------------------------------------------------------


def ours_build(tree: Path, work: Path, cold: bool = True) -> tuple[Run, int, Path]:
    """`python build.py` in a fresh process, into a new folder; cold: without the drawn charts
    (SVG) and the project's `.cache/` (compiled templates, preview images, search documents),
    as on a fresh clone."""
    charts = tree.parent / "chart-cache"
    for cache in (tree / ".cache", charts) if cold else ():
        if cache.exists():  # moved aside with the builds rather than deleted: see `new_folder`
            cache.rename(new_folder(work, "cache"))
    out = new_folder(work, "ours")
    command = [sys.executable, str(REPO / "build.py"), "--out", str(out)]
    run = measure(command, tree, {"SCORECARD_CACHE": str(charts)})
    return run, count_pages(out), out


def new_folder(work: Path, name: str) -> Path:
    """`work`/builds/`name`-N, a folder no build wrote before. The builds are not deleted
    between runs: ext4 skips the inodes freed in the last 30 s when it makes a file, and each
    skip costs a lookup, so a build made right after deleting the last one's 110,000 files
    spent 10 to 30 s more in the kernel (`main` deletes the builds of an earlier run, then
    waits that long)."""
    (work / "builds").mkdir(parents=True, exist_ok=True)
    number = 1
    while (work / "builds" / f"{name}-{number}").exists():
        number += 1
    return work / "builds" / f"{name}-{number}"


def megabytes(count: int) -> str:
    return f"{count / 2**20:,.0f} MB"


def report(name: str, tree: Path, work: Path, edits: int, runs: int) -> None:
    print(f"\n== {name} ==", flush=True)
    colds, hugos, project = [], [], None
    for _ in range(runs):  # taking turns, so that a slow spell of the machine falls on both
        run, pages, out = ours_build(tree, work)
        colds.append((run, pages))
        project = project or hugo_project(tree, out, work)
        hugos.append(hugo_build(project, work))
    ours, pages = _median(colds)
    print(f"ours: cold full build   {ours.seconds:8.2f} s  {pages:,} pages  "
          f"{pages / ours.seconds:,.0f} pages/s; {ours.cpu:.1f} s CPU{_spread(colds)}")  # fmt: skip
    rss = statistics.median(run.peak_rss for run, _ in colds)
    pss = statistics.median(run.peak_pss for run, _ in colds)
    print(f"ours: peak memory       {megabytes(rss)} RSS summed over processes, "
          f"{megabytes(pss)} PSS (shared pages counted once){' (medians)' if runs > 1 else ''}; "
          "at the peak of the median build: "
          + ", ".join(f"{name} {megabytes(n)}" for name, n in sorted(ours.at_peak.items())),
          flush=True)  # fmt: skip
    warm, _, out = ours_build(tree, work, cold=False)
    print(f"ours: warm full build   {warm.seconds:8.2f} s  (charts and previews drawn by the "
          f"cold build, from the cache), peak {megabytes(warm.peak_rss)} RSS", flush=True)  # fmt: skip
    seconds, cpu, index = search_index(tree, out)
    print(f"      of which the search index (records from the model, Pagefind), run again: "
          f"{seconds:.2f} s, {cpu:.2f} s CPU; at its peak, the model loaded: "
          + ", ".join(f"{name} {megabytes(n)}" for name, n in sorted(index.at_peak.items())),
          flush=True)  # fmt: skip
    hugo, hugo_pages = _median(hugos)
    hugo_rss = statistics.median(run.peak_rss for run, _ in hugos)
    print(f"hugo: full build        {hugo.seconds:8.2f} s  {hugo_pages:,} pages  "
          f"{hugo_pages / hugo.seconds:,.0f} pages/s; {hugo.cpu:.1f} s CPU{_spread(hugos)}")  # fmt: skip
    print(f"hugo: peak memory       {megabytes(hugo_rss)} RSS", flush=True)
    print(f"ratio time   ours/hugo  {ours.seconds / hugo.seconds:8.2f}   (target ≤ 1.0, aim 0.5)")
    print(f"ratio memory ours/hugo  {rss / hugo_rss:8.2f}   RSS "
          f"({pss / hugo_rss:.2f} PSS; target ≤ 0.25)", flush=True)  # fmt: skip
    if edits:
        startup, reloads = edit_to_reload(tree, work, edits)
        served = [r.to_served for r in reloads]
        print(f"serve: first build and start {startup:.2f} s (charts and previews from the cache)")
        print(f"serve: edit-to-reload   {statistics.median(served):8.3f} s median of {len(served)} "
              f"({', '.join(f'{s:.3f}' for s in served)}); page on disk after "
              f"{statistics.median(r.to_disk for r in reloads):.3f} s (target < 0.5 s)")  # fmt: skip
        print(f"serve: every page the edit changes on disk after "
              f"{statistics.median(r.to_every_page for r in reloads):.3f} s median "
              f"({', '.join(f'{r.to_every_page:.3f}' for r in reloads)})")  # fmt: skip
        last = reloads[-1]
        print(f"serve: files the last edit rewrote before the reload: {len(last.rewritten)}")
        for path in last.rewritten:
            print(f"         {path}")
        print(f"serve: then the other pages it changes: {len(last.caught_up)}")
        for path in last.caught_up:
            print(f"         {path}")
        folders = Counter(
            path.split("/")[0] if path.count("/") < 2 or path.startswith("pagefind/")
            else "/".join(path.split("/")[:2]) + "/…"
            for path in last.background
        )  # fmt: skip
        print(f"serve: then in the background, {statistics.median(r.settled for r in reloads):.1f} s"
              f" after the save (median): {len(last.background)} file(s): "
              + ", ".join(f"{where} {n}" for where, n in sorted(folders.items())))  # fmt: skip


def _median(builds: list[tuple[Run, int]]) -> tuple[Run, int]:
    """The build of median time (of an odd number; the faster middle one of an even number)."""
    ordered = sorted(builds, key=lambda build: build[0].seconds)
    return ordered[(len(ordered) - 1) // 2]


def _spread(builds: list[tuple[Run, int]]) -> str:
    if len(builds) < 2:
        return ""
    times = ", ".join(f"{run.seconds:.2f}" for run, _ in builds)
    return f"; median of {len(builds)} builds ({times} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the whole country")
    parser.add_argument("--work", type=Path, help="folder for the trees and builds (a temp dir)")
    parser.add_argument("--edits", type=int, default=5, help="saves timed in serve (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each, for medians")
    parser.add_argument("--no-real", action="store_true", help="skip the real site's figures")
    args = parser.parse_args(argv)
    work = (args.work or Path(tempfile.mkdtemp(prefix="scorecard-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    earlier = any(work.iterdir())  # an earlier run's trees and builds, in a --work folder
    for folder in ("builds", "hugo", "real", "real-work"):
        shutil.rmtree(work / folder, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores; work folder {work}")
    tree = work / "tree"
    counts = generate.generate(tree, generate.Options(scale=args.scale))
    print("synthetic tree: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
    if earlier:
        time.sleep(INODES_RECENT)  # see `new_folder`
    report(f"synthetic tree, scale {args.scale}", tree, work, args.edits, args.runs)
    if not args.no_real:
        real = work / "real"
        shutil.copytree(
            REPO, real, ignore=shutil.ignore_patterns(".*", "_site", "node_modules", "tests")
        )
        report(
            "the real site (the repository's data)", real, work / "real-work", args.edits, args.runs
        )
    if not args.work:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
