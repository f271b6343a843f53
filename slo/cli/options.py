"""Options several subcommands share, each written once, and the environment variables
that stand in for some of them (``--help`` names each)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slo.errors import UsageError, quoted

__all__ = [
    "ENVIRONMENT",
    "PHASE1",
    "SHIPPED_PROFILES",
    "apply_environment",
    "env_option",
    "positive_seconds",
    "profile_option",
    "prometheus_options",
    "report_dir_option",
    "spec_options",
]

SHIPPED = "criteria file (default: the shipped one)"
PHASE1 = "criteria file (default: the shipped phase1.yaml)"
MAPPING = "metric mapping for another backend"

#: The profiles of the shipped phase1.yaml, in its order (a test keeps them equal).
SHIPPED_PROFILES = (
    "load-test",
    "staging",
    "production",
    "month1",
    "promotion",
    "rollout-cache",
    "rollout-replica",
    "escalation",
    "rollback-verified",
)

#: Options an environment variable stands in for when the option is not given.
ENVIRONMENT = {
    "--prometheus-url": "SLO_PROMETHEUS_URL",
    "--profile": "SLO_PROFILE",
    "--spec": "SLO_SPEC",
    "--mapping": "SLO_MAPPING",
    "--report-dir": "SLO_REPORT_DIR",
}
_REGISTRY = "env_options"  # the parser default that lists a subcommand's EnvOptions


@dataclass(frozen=True, kw_only=True)
class EnvOption:
    """An option that ``ENVIRONMENT`` backs: its flag, and its value when neither is set."""

    flag: str
    required: bool
    fallback: str | None

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def variable(self) -> str:
        return ENVIRONMENT[self.flag]


def env_option(
    p: Any,
    flag: str,
    *,
    help: str,
    required: bool = False,
    fallback: str | None = None,
    **kwargs: Any,
) -> None:
    """``flag``, backed by its ``ENVIRONMENT`` variable (``apply_environment`` fills it in
    after parsing; ``fallback`` when neither is given)."""
    option = EnvOption(flag=flag, required=required, fallback=fallback)
    env = f"required, or ${option.variable}" if required else f"or ${option.variable}"
    p.add_argument(flag, default=None, help=f"{help} ({env})", **kwargs)
    p.set_defaults(**{_REGISTRY: [*(p.get_default(_REGISTRY) or []), option]})


def apply_environment(args: argparse.Namespace, env: Mapping[str, str]) -> argparse.Namespace:
    """Fill each environment-backed option not given on the command line from its variable,
    else its fallback; a required one given by neither, or a variable set to nothing, is a
    ``UsageError``. ``--target`` on the command line outranks ``SLO_PROMETHEUS_URL``."""
    for option in getattr(args, _REGISTRY, None) or []:
        if getattr(args, option.dest) is not None:
            continue
        if option.flag == "--prometheus-url" and getattr(args, "target", None):
            continue
        value = env.get(option.variable)
        if value is not None and not value.strip():
            raise UsageError(
                f"{option.variable} is set but empty: give it a value or unset it ({option.flag})"
            )
        if value is None and option.required:
            raise UsageError(
                f"the following arguments are required: {option.flag} (or set {option.variable})"
            )
        setattr(args, option.dest, option.fallback if value is None else value)
    return args


def spec_options(p: Any, *, spec: str = SHIPPED) -> None:
    """``--spec FILE`` and ``--mapping FILE``, each with its help text."""
    env_option(p, "--spec", metavar="FILE", help=spec)
    env_option(p, "--mapping", metavar="FILE", help=MAPPING)


def profile_option(
    p: Any, *, what: str = "profile of the spec to judge", default: str = ""
) -> None:
    """``--profile`` naming the shipped spec's profiles (required unless ``default``)."""
    names = ", ".join(SHIPPED_PROFILES)
    text = f"{what}; the shipped spec's: {names}"
    if default:
        env_option(p, "--profile", help=f"{text} (default {default})", fallback=default)
    else:
        env_option(p, "--profile", help=text, required=True)


def positive_seconds(text: str) -> float:
    """An argparse ``type``: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, got {quoted(text)}"
        )
    return value


def prometheus_options(p: Any, *, timeout: float, group: bool) -> None:
    """Query timeout, headers and credentials of a Prometheus source; ``group``: ``p`` is a
    group titled Prometheus, so the help texts need not say so."""
    header = "extra HTTP header" if group else "extra HTTP header for Prometheus"
    basic = "basic auth" if group else "Prometheus basic auth"
    p.add_argument(
        "--timeout",
        type=positive_seconds,
        default=timeout,
        metavar="SECONDS",
        help=f"seconds per query (default {timeout:g})",
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


def report_dir_option(
    p: Any, *, goes: str, default: str = "reports-out", environment: bool = True
) -> None:
    """``--report-dir DIR`` (default reports-out); ``goes``: what goes there;
    ``environment``: ``SLO_REPORT_DIR`` stands in for it."""
    text = f"where {goes} (default {default})"
    if environment:
        env_option(p, "--report-dir", metavar="DIR", help=text, fallback=default)
    else:
        p.add_argument("--report-dir", metavar="DIR", default=default, help=text)
