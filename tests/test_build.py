"""The whole build: deterministic output, atomic writes, and a command line with no tracebacks."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard import write
from scorecard.build import build, generate
from scorecard.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_builds_are_byte_identical(project, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(project.root, first)
    build(project.root, second)
    assert tree_digest(first) == tree_digest(second)
    assert len(tree_digest(first)) > 10


def test_failed_build_leaves_the_previous_site_untouched(project, tmp_path):
    out = tmp_path / "_site"
    build(project.root, out)
    before = tree_digest(out)
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 135.4")
    with pytest.raises(BuildError):
        build(project.root, out)
    assert tree_digest(out) == before
    # no staging folder left (".cache" is the project's: compiled templates)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("._site")] == []


def test_a_failure_while_writing_leaves_the_previous_site(project, tmp_path, monkeypatch):
    out = tmp_path / "_site"
    build(project.root, out)
    before = tree_digest(out)
    written = []
    original = Path.write_bytes

    def fail_after_a_few(self, data):
        written.append(self)
        if len(written) > 3:
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", fail_after_a_few)
    with pytest.raises(OSError):
        build(project.root, out)
    monkeypatch.undo()
    assert tree_digest(out) == before


def test_writer_refuses_the_same_path_twice_and_paths_outside():
    with pytest.raises(write.DuplicateOutput):
        write.merge({"a.html": b"1"}, {"a.html": b"2"})
    with pytest.raises(ValueError):
        write.merge({"../escape.html": b"x"})


def test_update_rewrites_only_changed_files(tmp_path):
    write.update({"a.txt": b"1", "b.txt": b"2"}, tmp_path)
    assert write.update({"a.txt": b"1", "b.txt": b"3", "c.txt": b"4"}, tmp_path) == [
        "b.txt",
        "c.txt",
    ]
    assert write.update({"a.txt": b"1"}, tmp_path) == ["b.txt", "c.txt"]  # removed


def test_real_site_builds(real_build):
    assert len(real_build.files) > 100
    assert real_build.files == generate(ROOT).files


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    script = f"import sys; from pathlib import Path; from scorecard.cli import main; sys.exit(main({list(args)!r}, Path({str(root)!r})))"
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_reports_every_problem_without_traceback(project):
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 35,4")
    project.replace("data/sources.yaml", "type: press", "type: blog")
    result = run_cli(project.root, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "data/observations/huyen-b.yaml:4: value: '35,4' uses a decimal comma. Write it with a dot: 35.4.",
        "data/sources.yaml:4: type: 'blog' is not one of press, official, statistics. Use one of them.",
        "2 problem(s).",
    ]


def test_cli_build_writes_the_site(project, tmp_path):
    result = run_cli(project.root, "build", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert result.stdout.startswith("Built ")


def test_template_error_is_located(project):
    project.write(
        "templates/page.html",
        '{% extends "base.html" %}{% block content %}\n{{ no_such_thing.x }}{% endblock %}\n',
    )
    with pytest.raises(BuildError) as caught:
        generate(project.root)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("templates/page.html", 2)
    assert "no_such_thing" in problem.message
