"""Work shared out over every core by forked worker processes: the GIL lets one Python thread
run at a time, so parsing and rendering a country's files needs processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
IN_PARALLEL_FROM = 200
"""Fewer items are done in this process: starting the workers costs about what they save."""


def map_forked(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """[function(item) for item in items], in order, on every core when there are many items.

    The workers are forked: they inherit `function` and what it reads without pickling; only
    the items and the results are pickled. Fork only when no other thread of this process is
    running (a worker could inherit a lock held forever)."""
    if len(items) < IN_PARALLEL_FROM or WORKERS < 2:
        return [function(item) for item in items]
    size = max(1, len(items) // (WORKERS * 8))  # small enough to share out evenly
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        return pool.map(function, items, chunksize=size)
