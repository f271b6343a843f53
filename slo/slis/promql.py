"""Every PromQL expression of the engine, written once and rendered strictly."""

from __future__ import annotations

from typing import Final

import jinja2

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701

TEMPLATES: Final[dict[str, str]] = {
    # Sum of the increases of all matching counter series.
    "increase": "sum(increase({{ selector }}[{{ window }}]{{ at }}))",
    # Histogram bucket increases, one element per `le`.
    "bucket_increase": "sum by (le) (increase({{ selector }}[{{ window }}]{{ at }}))",
    # A per-series aggregation of a gauge's samples over the window.
    "over_time": "{{ func }}({{ args }}{{ selector }}[{{ window }}]{{ at }})",
    # The largest sample of each series (pool size).
    "sum_max_over_time": "sum(max_over_time({{ selector }}[{{ window }}]{{ at }}))",
}


def at_modifier(at: float | None) -> str:
    """`` @ 1767225600.000`` pinning an instant query to the window's end ("" for ranges)."""
    return "" if at is None else f" @ {at:.3f}"


def render(template: str, **params: str) -> str:
    """Render a named template; a missing parameter raises (StrictUndefined)."""
    return _ENV.from_string(TEMPLATES[template]).render(**params)
