"""The trip: which objective called the rollback and why, and the ``--on-trip`` command.

The command runs through the shell (``/bin/sh -c``), as a CI step or a runbook would write
it, in a session of its own so that at ``--on-trip-timeout`` the whole group (the shell and
whatever it started) is killed, not only the shell. Its stdout and stderr are recorded
together (the last :data:`MAX_OUTPUT` characters).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from typing import Final

from reports import ObjectiveResult, OnTripResult, Report, Verdict

__all__ = ["MAX_OUTPUT", "TRIP_VARIABLES", "run_on_trip", "trip_env", "tripping_objective"]

MAX_OUTPUT: Final = 16_000
#: The environment the ``--on-trip`` command gets, besides the watch's own.
TRIP_VARIABLES: Final = (
    "SLO_TRIP_OBJECTIVE",
    "SLO_TRIP_REASON",
    "SLO_TRIP_REPORT",
    "SLO_TRIP_PROFILE",
)


def tripping_objective(report: Report) -> tuple[ObjectiveResult, str]:
    """The first failing gating objective of a failed tick, and the reason printed after
    ``ROLLBACK: <id>:`` (the guide's words, then the verdict's reason)."""
    failing = [o for o in report.objectives if o.gating and o.verdict == Verdict.FAIL]
    if not failing:
        raise ValueError("a tick trips only when a gating objective fails")
    first = failing[0]
    reason = f"{first.description} ({first.reason})"
    if len(failing) > 1:
        reason += f"; also failing: {', '.join(o.id for o in failing[1:])}"
    return first, reason


def trip_env(*, objective: str, reason: str, report: str, profile: str) -> dict[str, str]:
    """``SLO_TRIP_*`` for the ``--on-trip`` command (the report as an absolute path)."""
    values = (objective, reason, report, profile)
    return dict(zip(TRIP_VARIABLES, values, strict=True))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)


def _text(raw: bytes | None) -> str:
    text = (raw or b"").decode("utf-8", errors="replace")
    return text if len(text) <= MAX_OUTPUT else "…" + text[-(MAX_OUTPUT - 1) :]


def run_on_trip(command: str, *, env: Mapping[str, str], timeout: float) -> OnTripResult:
    """Run ``command`` with ``env`` added to the watch's environment; kill its process
    group at ``timeout`` seconds (then ``exit_status`` is None and ``timed_out`` True)."""
    started = time.monotonic()
    # The shell is the point: the user writes the command as they would in a runbook.
    proc = subprocess.Popen(  # noqa: S602
        command,
        shell=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    timed_out = False
    try:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            output, _ = proc.communicate()
    except BaseException:  # Ctrl-C while it runs: leave nothing behind
        _kill_group(proc)
        proc.wait()
        raise
    return OnTripResult(
        command=command,
        exit_status=None if timed_out else proc.returncode,
        timed_out=timed_out,
        seconds=round(time.monotonic() - started, 3),
        output=_text(output),
    )
