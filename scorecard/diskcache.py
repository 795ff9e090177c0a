"""Files kept across builds (drawn SVGs, preview PNGs, chart types): a cache that cannot be read
or written only costs the next build time, and a concurrent build never reads half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, content: bytes) -> None:
    """Atomically: written beside, then renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            file.write(content)
        os.replace(file.name, path)
    except OSError:
        pass
