"""Stage 6, write: the only stage that writes. Builds into a staging folder, then swaps it in.

A build that fails, or is interrupted, before the swap leaves the previous site as it was.
Files are written in sorted order; the caller hands over bytes, so output is deterministic.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


class DuplicateOutput(ValueError):
    """Two parts of the build produced the same output path."""


def merge(*parts: Mapping[str, bytes]) -> dict[str, bytes]:
    """One mapping of output path → bytes; refuses to write the same path twice."""
    files: dict[str, bytes] = {}
    for part in parts:
        for path, content in part.items():
            if path in files:
                raise DuplicateOutput(f"two outputs want to write '{path}'")
            _check_path(path)
            files[path] = content
    return files


def write(files: Mapping[str, bytes], out: Path) -> None:
    """Replace `out` with exactly `files`, atomically from the reader's point of view."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        for path in sorted(files):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def update(files: Mapping[str, bytes], out: Path) -> list[str]:
    """Write in place only the files whose bytes changed, remove the ones no longer built.

    For `serve`: the browser reloads a page whose file is rewritten, so unchanged bytes are left
    alone. Returns the paths written or removed.
    """
    changed = []
    existing = (
        {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        if out.exists()
        else set()
    )
    for path in sorted(files):
        target = out / path
        if path in existing and target.read_bytes() == files[path]:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])
        changed.append(path)
    for path in sorted(existing - files.keys()):
        (out / path).unlink()
        changed.append(path)
    return changed


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.rmdir(retired)
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not path or "\\" in path:
        raise ValueError(f"refusing to write outside the site: '{path}'")
