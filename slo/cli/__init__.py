"""The ``slo`` command: ``check``, ``rejudge``, ``lint``, ``explain``, ``doctor``,
``preflight``, ``review``, ``compare``, ``watch``, ``rules``, ``dashboard``.

Exit codes (DESIGN.md): 0 pass, 1 fail, 2 inconclusive, 3 bad usage or invalid spec,
4 data source unreachable or erroring, 130 ``slo watch`` interrupted (after its summary).
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from reports import ReportFileError
from slo.cli.parser import build_parser
from slo.errors import SloError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    code = run(argv)
    if argv is None:
        sys.exit(code)
    return code


def run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        handler = args.handler
        return int(handler(args))
    except (SloError, ReportFileError) as exc:  # a bad report.json is bad usage: exit 3
        print(f"slo: error: {exc}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, SloError) else 3
    except SystemExit as exc:  # argparse: --help (0) or a usage error (3, see parser)
        return exc.code if isinstance(exc.code, int) else 3
    except KeyboardInterrupt:
        print("slo: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the user; say what happened
        print(f"slo: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
