"""The ``slo`` command: ``check``, ``rejudge``, ``lint``, ``explain``, ``doctor``,
``preflight``, ``review``, ``compare``, ``watch``, ``rules``, ``dashboard``.

Exit codes (:mod:`slo.exitcodes`, DESIGN.md): 0 pass, 1 fail, 2 inconclusive, 3 bad usage
or invalid spec (found before any network call), 4 data source unreachable or erroring,
5 internal error (one line and the path of a log holding the traceback), 130 interrupted
(``slo watch`` writes its summary first). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from reports import ReportFileError
from slo.cli.parser import parse_args
from slo.crashlog import internal_error_line
from slo.errors import SloError
from slo.exitcodes import ExitCode

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    code = run(argv)
    if argv is None:
        sys.exit(code)
    return code


def run(argv: Sequence[str] | None, env: Mapping[str, str] | None = None) -> int:
    """The exit code of ``slo argv``; ``env`` (default: the process's) backs some options."""
    try:
        args = parse_args(argv, os.environ if env is None else env)
        return int(args.handler(args))
    except (SloError, ReportFileError) as exc:  # a bad report.json is bad usage: exit 3
        print(f"slo: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, SloError) else int(ExitCode.USAGE)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (3)
        return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
    except KeyboardInterrupt:
        print("slo: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: one line, the traceback in a log
        print(internal_error_line(exc, prog="slo"), file=sys.stderr)
        return int(ExitCode.INTERNAL)


def _one_line(message: str) -> str:
    """An error message as one line, whatever the text it quotes holds."""
    lines = message.splitlines()
    return message if len(lines) <= 1 else " ".join(" ".join(lines).split())
