"""examples/github-actions.yml runs for real: every ``run:`` step of its job, in order,
against the reference stack, with the variables a GitHub runner sets (``actions_runner``).

The runner is emulated on this machine: ``actions/checkout`` is a copy of the working tree
into ``GITHUB_WORKSPACE``, ``actions/setup-python`` is the project's virtualenv (Python
3.11) first on ``PATH``, ``actions/upload-artifact`` records the files it would upload.
Two of the example's own knobs keep the run short: ``HARNESS_INSTALLED=1`` (the harness is
already installed, so the install step only says where) and ``LOCUST_PEAK_USERS``,
``LOCUST_HOLD``, ``LOCUST_WARMUP`` with the ``smoke`` shape input (about 25 s of load).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from actions_runner import Context, Job, run_job

from reference_app.stack import StackInfo

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text(encoding="utf-8"))
VENV_BIN = Path(sys.executable).parent
TOKEN = "gh-secret-token-0123456789"
SHORT_LOAD = {
    "HARNESS_INSTALLED": "1",
    "LOCUST_PEAK_USERS": "20",
    "LOCUST_HOLD": "24",
    "LOCUST_WARMUP": "10",
}
STEPS = [
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "Install the harness",
    "Load test and SLO gate",
    "Publish the verdict as the job summary",
    "Keep the reports (report.json, report.md, report.html, junit.xml)",
    "Fail unless the gate passed",
]


def _checkout(workspace: Path) -> Any:
    def checkout(with_: dict[str, Any], context: Context, env: dict[str, str]) -> None:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():
                (workspace / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, workspace / name)

    return checkout


def _setup_python(with_: dict[str, Any], context: Context, env: dict[str, str]) -> None:
    assert with_["python-version"] == f"{sys.version_info.major}.{sys.version_info.minor}"


def run_workflow(
    stack: StackInfo, tmp: Path, *, inputs: dict[str, str], secrets: dict[str, str]
) -> tuple[Job, Path, Path, list[dict[str, Any]]]:
    workspace, runner_temp = tmp / "workspace", tmp / "runner-temp"
    workspace.mkdir()
    runner_temp.mkdir()
    uploads: list[dict[str, Any]] = []

    def upload(with_: dict[str, Any], context: Context, env: dict[str, str]) -> None:
        path = workspace / with_["path"]
        files = sorted(p.name for p in path.iterdir()) if path.is_dir() else []
        uploads.append({**with_, "files": files})

    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LOCUST_", "SLO_", "GITHUB_", "RUNNER_", "PIP_", "PYTHON"))
    }
    base_env["PATH"] = os.pathsep.join([str(VENV_BIN), base_env.get("PATH", "/usr/bin:/bin")])
    job = run_job(
        WORKFLOW,
        "gate",
        workspace=workspace,
        runner_temp=runner_temp,
        contexts={
            "vars": {
                "STAGING_URL": stack.service_url,
                "PROMETHEUS_URL": stack.prometheus_url,
                "SCRAPE_INTERVAL": "1",  # the reference stack's Prometheus scrapes every second
            },
            "inputs": inputs,
            "secrets": secrets,
            "github": {"run_id": "4242", "repository": "catalog/api"},
        },
        actions={
            "actions/checkout": _checkout(workspace),
            "actions/setup-python": _setup_python,
            "actions/upload-artifact": upload,
        },
        base_env={**base_env, "GITHUB_RUN_ID": "4242", "GITHUB_REPOSITORY": "catalog/api"},
        extra_env=SHORT_LOAD,
    )
    return job, workspace, runner_temp, uploads


@pytest.mark.timeout(120)
def test_the_workflow_gates_publishes_the_summary_and_passes_on_a_healthy_stack(
    stack: StackInfo, tmp_path: Path
) -> None:
    job, workspace, runner_temp, uploads = run_workflow(
        stack,
        tmp_path,
        inputs={"profile": "staging", "shape": "smoke"},
        secrets={"PROMETHEUS_TOKEN": TOKEN},
    )
    gate = job.step("Load test and SLO gate")
    assert [s.name for s in job.steps] == STEPS
    assert all(s.ran for s in job.steps)
    assert not job.failed, gate.output[-3000:]
    install = job.step("Install the harness").output
    assert install.strip() == f"the harness is already installed: {VENV_BIN / 'slo'}"
    assert gate.outputs == {"exit_code": "0"}, gate.output[-3000:]
    reports = workspace / "reports-out"
    report = yaml.safe_load((reports / "report.json").read_text(encoding="utf-8"))
    assert (report["verdict"], report["profile"]) == ("pass", "staging")
    assert report["load"]["shape"] == "smoke" and report["load"]["peak_users"] == 20
    # The summary is report.md, as GitHub shows it on the run's page.
    assert job.summary == (reports / "report.md").read_text(encoding="utf-8")
    assert uploads == [
        {
            "name": "slo-report-staging-4242",
            "path": "reports-out/",
            "if-no-files-found": "warn",
            "retention-days": "30",
            "files": sorted(p.name for p in reports.iterdir()),
        }
    ]
    assert {"report.json", "report.md", "report.html", "junit.xml"} <= set(uploads[0]["files"])
    # The secret went to a file only its owner reads, and into no report.
    token_file = runner_temp / "prometheus-token"
    assert token_file.read_text(encoding="utf-8") == TOKEN
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert all(TOKEN not in p.read_text(encoding="utf-8") for p in reports.iterdir())
    assert job.step("Fail unless the gate passed").code == 0


@pytest.mark.timeout(60)
def test_a_gate_that_cannot_judge_fails_the_job_and_the_summary_says_why(
    stack: StackInfo, tmp_path: Path
) -> None:
    job, workspace, _, uploads = run_workflow(
        stack, tmp_path, inputs={"profile": "no-such-profile", "shape": "smoke"}, secrets={}
    )
    assert job.step("Load test and SLO gate").outputs == {"exit_code": "3"}
    assert not (workspace / "reports-out" / "report.md").exists()
    assert job.summary == ("The SLO gate wrote no report.md (exit code 3); see the log.\n")
    last = job.step("Fail unless the gate passed")
    assert (last.ran, last.code) == (True, 1)
    assert "::error::SLO gate exit code 3" in last.output
    assert job.failed
    assert len(uploads) == 1  # the reports step runs always(), even with nothing to keep
