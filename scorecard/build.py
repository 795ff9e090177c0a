"""The whole pipeline in one place: load → validate → score → render → write.

Everything is gathered and rendered in memory before anything is written, so a problem at any
stage leaves the previous site untouched.
"""

from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import export, i18n, render, write
from .errors import BuildError, Problem
from .load import load
from .model import Site
from .score import Scores, score
from .validate import validate


@dataclass(frozen=True)
class Built:
    site: Site
    scores: Scores
    files: dict[str, bytes]


def check(root: Path) -> Site:
    """Validate only; raises `BuildError` with every problem."""
    return validate(load(root))


def generate(root: Path) -> Built:
    """Every output file's bytes, from the project at `root`."""
    raw = load(root)
    site = validate(raw)
    scores = score(site)
    catalogues = i18n.catalogues(raw.catalogues, site.config.languages)
    try:
        pages = render.render(site, scores, root / "templates", catalogues)
    except (jinja2.TemplateError, KeyError) as error:
        raise BuildError([_template_problem(error, root)]) from None
    data = {
        "data/observations.csv": export.observations_csv(site),
        "data/scorecard.json": export.scorecard_json(site, scores),
    }
    return Built(site, scores, write.merge(pages, raw.assets, data))


def build(root: Path, out: Path) -> Built:
    built = generate(root)
    write.write(built.files, out)
    return built


def _template_problem(error: Exception, root: Path) -> Problem:
    """templates/x.html:12: what went wrong, from the template's own frame."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(
            f"templates/{error.name or error.filename}",
            error.lineno,
            f"template syntax error: {error.message}. Fix the template.",
        )
    templates = str(root / "templates")
    frames = [
        frame
        for frame in traceback.extract_tb(sys.exc_info()[2] or error.__traceback__)
        if frame.filename.startswith(templates)
    ]
    where = frames[-1] if frames else None
    path = Path(where.filename).relative_to(root).as_posix() if where else "templates"
    return Problem(
        path,
        where.lineno if where else 0,
        f"template error: {error}. Fix the template or the data it uses.",
    )
