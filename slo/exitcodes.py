"""The exit codes of ``slo`` and of the Locust gate (DESIGN.md), written once.

Both entry points import them from here (``scenarios -> slo``), and each subcommand's
help is built from them with only the codes that subcommand can return (:func:`epilog`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum

__all__ = ["MEANINGS", "ExitCode", "epilog"]


class ExitCode(IntEnum):
    """What a run of ``slo`` (or of the Locust gate) ended with."""

    PASS = 0
    FAIL = 1
    INCONCLUSIVE = 2
    USAGE = 3  # bad usage or an invalid spec, found before any network call
    SOURCE = 4  # a data source unreachable or erroring
    INTERNAL = 5  # a bug: one line on stderr and the path of a log holding the traceback
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); slo watch writes its summary first


#: What each code means, as the help texts say it.
MEANINGS: dict[ExitCode, str] = {
    ExitCode.PASS: "pass",
    ExitCode.FAIL: "fail",
    ExitCode.INCONCLUSIVE: "inconclusive",
    ExitCode.USAGE: "bad usage or invalid spec (found before any network call)",
    ExitCode.SOURCE: "data source unreachable or erroring",
    ExitCode.INTERNAL: "internal error (one line, and the path of a log with the traceback)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def epilog(codes: Iterable[ExitCode], *, meanings: Mapping[ExitCode, str] | None = None) -> str:
    """The ``exit codes:`` block of a help text: ``codes`` in order, each with its meaning
    (``meanings`` overrides the default wording for this command)."""
    own = {**MEANINGS, **(meanings or {})}
    lines = [f"  {int(code)} {own[code]}" for code in sorted(set(codes))]
    return "exit codes:\n" + "\n".join(lines)
