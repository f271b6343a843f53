"""Options several subcommands share, each written once."""

from __future__ import annotations

from typing import Any

__all__ = ["PHASE1", "prometheus_options", "report_dir_option", "spec_options"]

SHIPPED = "criteria file (default: the shipped one)"
PHASE1 = "criteria file (default: the shipped phase1.yaml)"
MAPPING = "metric mapping for another backend"


def spec_options(p: Any, *, spec: str | None = SHIPPED, mapping: str | None = MAPPING) -> None:
    """``--spec FILE`` and ``--mapping FILE`` with their help texts (None: none shown)."""
    p.add_argument("--spec", metavar="FILE", help=spec)
    p.add_argument("--mapping", metavar="FILE", help=mapping)


def prometheus_options(p: Any, *, timeout: float, group: bool) -> None:
    """Query timeout, headers and credentials of a Prometheus source; ``group``: ``p`` is a
    group titled Prometheus, so the help texts need not say so."""
    header = "extra HTTP header" if group else "extra HTTP header for Prometheus"
    basic = "basic auth" if group else "Prometheus basic auth"
    p.add_argument(
        "--timeout", type=float, default=timeout, help=f"seconds per query (default {timeout:g})"
    )
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help=f"{header} (repeatable)",
    )
    p.add_argument(
        "--basic-auth-file",
        metavar="FILE",
        help=f"file holding USER:PASSWORD for {basic}",
    )
    p.add_argument("--bearer-token-file", metavar="FILE", help="file holding a bearer token")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")


def report_dir_option(p: Any, *, goes: str, default: str = "reports-out") -> None:
    """``--report-dir DIR`` (default reports-out); ``goes``: what goes there."""
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        default=default,
        help=f"where {goes} (default {default})",
    )
