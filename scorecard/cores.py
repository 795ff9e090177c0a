"""Work shared out over every core by forked worker processes: the GIL lets one Python thread
run at a time, so parsing and rendering a country's files needs processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from multiprocessing.pool import ExceptionWithTraceback
from typing import Any, Generic, TypeVar

Result = TypeVar("Result")

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


class Stopped(Exception):
    """A forked process ended without handing back its result: it was killed (out of memory,
    or by a signal) or exited on its own."""


class Forked(Generic[Result]):
    """`function()` run in a forked process, which hands back its result, or raises its
    exception here with its traceback: what the function made and let go of is the system's
    memory again when the process ends (a process keeps the memory of most objects it frees)."""

    def __init__(self, function: Callable[[], Result]):
        fork = multiprocessing.get_context("fork")
        self._receiving, sending = fork.Pipe(duplex=False)
        self._process = fork.Process(target=_hand_back, args=(function, sending))
        self._process.start()
        sending.close()  # the child's end is then its own: its death ends the pipe here

    def result(self) -> Result:
        try:
            succeeded, outcome = self._receiving.recv()
        except EOFError:
            self._process.join()
            raise Stopped(_ending(self._process.exitcode)) from None
        self._process.join()
        if not succeeded:
            raise outcome
        return outcome

    def kill(self) -> None:
        self._process.kill()
        self._process.join()


def _hand_back(function: Callable[[], Any], sending) -> None:
    try:
        outcome = (True, function())
    except BaseException as error:  # raised again in the parent, the child's traceback its cause
        outcome = (False, ExceptionWithTraceback(error, error.__traceback__))
    sending.send(outcome)


def _ending(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:  # "killed by signal 9 (Killed)": out of memory?
        return f"was killed by signal {-exitcode} ({signal.strsignal(-exitcode)})"
    return f"exited with status {exitcode}"
