"""vl-convert on every core, for the chart SVGs drawn at build time.

vl-convert draws one chart at a time and holds the GIL while it draws (a thread beside it only
waits), so many missing drawings are shared among worker processes: fresh interpreters running
this module (`python -m scorecard.drawing`), not forks, since a fork made after vl-convert's
engine started here would inherit an engine whose threads did not come along, and not
multiprocessing's "spawn", which imports the caller's main script again.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

from .cores import WORKERS

VEGA_LITE = "6.4"  # the vendored vega-lite's minor version: static and live charts agree
IN_PARALLEL_FROM = 6
"""Fewer drawings are made here: a worker takes about 0.5 s to start Python and its engine."""

Drawing = tuple[str, dict[str, Any]]
"""('svg', a Vega-Lite spec)."""


def draw(drawings: list[Drawing], workers: int = WORKERS if WORKERS > 1 else 0) -> list[str]:
    """Each drawing's SVG, in order, shared out among up to `workers` processes (by default one
    per core; on one core, or for a few drawings, drawn here)."""
    count = min(workers, len(drawings))
    if _engine_here() and (len(drawings) < IN_PARALLEL_FROM or count < 1):
        return [draw_one(drawing) for drawing in drawings]
    count = max(count, 1)
    shares = [drawings[first::count] for first in range(count)]  # dealt out, to even the load
    package = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "scorecard.drawing"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )  # fmt: skip
        for _ in shares
    ]
    for process, share in zip(processes, shares, strict=True):  # each reads all, then writes
        assert process.stdin is not None
        process.stdin.write(pickle.dumps(share))
        process.stdin.close()
    drawn = []
    for process in processes:
        assert process.stdout is not None
        with process.stdout:
            output = process.stdout.read()
        if process.wait() != 0:
            raise RuntimeError("a drawing worker failed: see its error above")
        drawn.append(pickle.loads(output))
    return [drawn[index % count][index // count] for index in range(len(drawings))]


_engine_started_by: int | None = None
"""The process that started vl-convert's engine in this interpreter, if one did."""


def _engine_here() -> bool:
    """Whether drawings can be made in this process: not in a fork of one whose engine started,
    which would wait forever for the engine's threads (`build` renders in a fork)."""
    return _engine_started_by in (None, os.getpid())


def draw_one(drawing: Drawing) -> str:
    import vl_convert

    global _engine_started_by
    _engine_started_by = os.getpid()
    _, spec = drawing
    return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)


if __name__ == "__main__":  # a worker of `draw`: drawings in on stdin, drawn out on stdout
    sys.stdout.buffer.write(pickle.dumps([draw_one(job) for job in pickle.load(sys.stdin.buffer)]))
