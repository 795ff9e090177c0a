"""The documentation cannot drift from the code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from scorecard import model
from scorecard.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    usage = capsys.readouterr().out
    for command in ("build", "serve", "check"):
        assert command in usage
        assert f"python build.py {command}" in README or command == "build"
    assert "python build.py`" in README


def test_readme_gives_the_two_commands():
    assert "python -m pip install -e . && python build.py serve" in README
    assert "bash scripts/check" in README
    assert "scripts/check" in (ROOT / ".ci" / "run").read_text()


def test_every_editor_field_is_documented():
    for cls in (
        model.SiteConfig,
        model.Locality,
        model.Indicator,
        model.Source,
        model.Observation,
        model.Target,
    ):
        for field in dataclasses.fields(cls):
            if not field.metadata.get("internal"):
                assert f"`{field.name}`" in FORMAT, (
                    f"{cls.__name__}.{field.name} is not in docs/format.md"
                )
