"""Runs one job of a GitHub Actions workflow on this machine, as a runner would.

Each ``run:`` step is written to a script and run with the runner's default shell on Linux
(``bash -e {0}``) in ``GITHUB_WORKSPACE``, with the workflow's, the job's and the step's
``env:``, ``${{ ... }}`` expressions substituted, and the runner's own variables set:
``GITHUB_WORKSPACE``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``, ``GITHUB_ENV``,
``GITHUB_PATH``, ``RUNNER_TEMP``, ``GITHUB_ACTIONS``, ``CI``, ``GITHUB_RUN_ID``, ...
Steps run in order; ``if:`` is honoured (``success()`` by default); a failed step fails
the job and skips later steps without ``always()``. ``uses:`` steps are emulated by the
caller (``actions`` maps an action to a function) or the run fails: an unknown action, or an
expression this evaluator does not know, is an error rather than a silent guess.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_PATH = re.compile(r"^[A-Za-z_][\w-]*(\.[\w-]+)*$")


@dataclass
class StepResult:
    name: str
    ran: bool
    code: int | None = None
    output: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class Job:
    """What one run of the job did: each step's result, the summary, the environment."""

    steps: list[StepResult]
    summary: str
    failed: bool

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


class Context:
    """The expression contexts (``vars``, ``inputs``, ``secrets``, ``env``, ``github``,
    ``steps``) and the few functions a workflow uses."""

    def __init__(self, contexts: dict[str, Any]) -> None:
        self.contexts = contexts
        self.failed = False

    def _lookup(self, path: str) -> Any:
        head, *rest = path.split(".")
        if head not in self.contexts:
            raise ValueError(f"unknown context {head!r} in {path!r}")
        value: Any = self.contexts[head]
        for key in rest:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def _term(self, term: str) -> Any:
        term = term.strip()
        if term == "always()":
            return True
        if term == "success()":
            return not self.failed
        if term == "failure()":
            return self.failed
        if re.fullmatch(r"'[^']*'", term):
            return term[1:-1]
        if re.fullmatch(r"\d+", term):
            return int(term)
        if _PATH.match(term):
            return self._lookup(term)
        raise ValueError(f"expression not understood: {term!r}")

    def evaluate(self, expression: str) -> Any:
        """``a || b || ...``: the first truthy term (GitHub's ``||``), else the last."""
        value: Any = None
        for term in expression.split("||"):
            value = self._term(term)
            if value:
                return value
        return value

    def substitute(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            value = self.evaluate(match.group(1))
            return "" if value is None else str(value)

        return EXPRESSION.sub(one, text)


def _outputs(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks of a GITHUB_OUTPUT/GITHUB_ENV file."""
    found: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            found[name] = "\n".join(iter(lambda: next(lines), delimiter))
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
    return found


Action = Callable[[dict[str, Any], Context, dict[str, str]], None]


def run_job(
    workflow: dict[str, Any],
    job: str,
    *,
    workspace: Path,
    runner_temp: Path,
    contexts: dict[str, Any],
    actions: Mapping[str, Action],
    base_env: Mapping[str, str],
    extra_env: Mapping[str, str] | None = None,
    step_timeout: float = 120,
) -> Job:
    """Run ``job`` of ``workflow``; ``extra_env`` is added to the job's ``env:``."""
    definition = workflow["jobs"][job]
    summary = runner_temp / "step_summary.md"
    summary.touch()
    context = Context({**contexts, "steps": {}, "env": {}})
    env: dict[str, str] = {}
    for level in (workflow.get("env", {}), definition.get("env", {}), extra_env or {}):
        for key, value in level.items():
            env[key] = context.substitute(str(value))
            context.contexts["env"] = dict(env)
    results: list[StepResult] = []
    for index, step in enumerate(definition["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index}"
        condition = step.get("if", "success()")
        if not context.evaluate(condition.removeprefix("${{").removesuffix("}}")):
            results.append(StepResult(name=name, ran=False))
            continue
        step_env = {k: context.substitute(str(v)) for k, v in step.get("env", {}).items()}
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action not in actions:
                raise ValueError(f"{name}: no emulation of {step['uses']}")
            with_ = {k: context.substitute(str(v)) for k, v in step.get("with", {}).items()}
            actions[action](with_, context, env)
            results.append(StepResult(name=name, ran=True, code=0))
            continue
        outputs, env_file, path_file = (
            runner_temp / f"{n}_{index}" for n in ("out", "env", "path")
        )
        for f in (outputs, env_file, path_file):
            f.touch()
        script = runner_temp / f"step_{index}.sh"
        script.write_text(context.substitute(step["run"]), encoding="utf-8")
        done = subprocess.run(
            ["bash", "-e", str(script)],
            cwd=workspace,
            env={
                **base_env,
                **env,
                **step_env,
                "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_OUTPUT": str(outputs),
                "GITHUB_ENV": str(env_file),
                "GITHUB_PATH": str(path_file),
                "RUNNER_TEMP": str(runner_temp),
                "GITHUB_ACTIONS": "true",
                "CI": "true",
            },
            capture_output=True,
            text=True,
            timeout=step_timeout,
            check=False,
        )
        result = StepResult(
            name=name,
            ran=True,
            code=done.returncode,
            output=done.stdout + done.stderr,
            outputs=_outputs(outputs),
        )
        results.append(result)
        if "id" in step:
            context.contexts["steps"][step["id"]] = {"outputs": result.outputs}
        env.update(_outputs(env_file))
        context.contexts["env"] = dict(env)
        added = path_file.read_text(encoding="utf-8").split()
        if added:
            base_env = {**base_env, "PATH": os.pathsep.join([*added, base_env["PATH"]])}
        if done.returncode != 0:
            context.failed = True
    return Job(steps=results, summary=summary.read_text(encoding="utf-8"), failed=context.failed)
