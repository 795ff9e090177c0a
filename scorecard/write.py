"""Stage 6, write: the only stage that writes. Builds into a staging folder, then swaps it in.

A build that fails, or is interrupted, before the swap leaves the previous site as it was.
Files are written in sorted order; the caller hands over bytes, so output is deterministic.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
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
    with staging(out) as folder:
        write_files(files, folder)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A new folder beside `out` to build into, swapped in for `out` when the block ends
    without error, removed when it fails: a step that reads the written site (the search
    index) runs inside the block, so that its failure leaves the previous site in place."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        yield folder
        _swap(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def write_files(files: Mapping[str, bytes], folder: Path) -> None:
    """Write `files` into a folder being built (see `staging`), in sorted order."""
    for path in sorted(files):
        _check_path(path)
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])


def update(files: Mapping[str, bytes], out: Path, keep: str | None = None) -> list[str]:
    """Write in place only the files whose bytes changed, remove the ones no longer built.

    For `serve`: the browser reloads a page whose file is rewritten, so unchanged bytes are left
    alone. Files under the folder `keep` belong to a later step (the search index) and are left
    to it. Returns the paths written or removed.
    """
    changed = []
    existing = (
        {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        if out.exists()
        else set()
    )
    if keep:
        existing = {path for path in existing if not path.startswith(keep + "/")}
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


def digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def refresh(
    files: Mapping[str, bytes], out: Path, written: dict[str, str], gone: Iterable[str] = ()
) -> list[str]:
    """Write the files whose bytes differ from what `written` (path → digest of the bytes on
    disk) says is there, remove `gone`; `written` is kept up to date. For `serve`: comparing
    digests held in memory, nothing on disk is read, and an unchanged page is not touched, so
    its modification time, which CI checkouts reset anyway, decides nothing. Returns the paths
    written or removed."""
    changed = []
    for path in sorted(files):
        _check_path(path)
        content = files[path]
        if written.get(path) == (new := digest(content)):
            continue
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written[path] = new
        changed.append(path)
    for path in sorted(gone):
        (out / path).unlink(missing_ok=True)
        written.pop(path, None)
        changed.append(path)
    return changed


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):  # one step: even a crash cannot leave the site missing
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.rmdir(retired)
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return False
    at_cwd, exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not path or "\\" in path:
        raise ValueError(f"refusing to write outside the site: '{path}'")
