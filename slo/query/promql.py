"""The one place PromQL is written: query values rendered, and the rule/dashboard
expressions that combine them, as templates rendered strictly (jinja2 ``StrictUndefined``).

``render_query`` turns a query value (``slo.query.model``) into the instant query the gate
sends, pinned with ``@ end`` when given; the embedded store computes the same values from
its own samples. The other templates only combine rendered queries into one expression (a
ratio, a quantile...) or compare a recorded series with a threshold, so the rules, the
dashboard, the charts and the doctor measure what ``slo check`` measures.
"""

from __future__ import annotations

from typing import Final

import jinja2

from slo.query.model import ClientStat, Increase, OverTime, Query

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701

TEMPLATES: Final[dict[str, str]] = {
    # Sum of the increases of the matching counter series, optionally grouped.
    "increase": "sum(increase({{ selector }}[{{ window }}]{{ at }}))",
    "increase_by": "sum by ({{ by }}) (increase({{ selector }}[{{ window }}]{{ at }}))",
    # A per-series aggregation of a gauge's samples over the window, optionally summed.
    "over_time": "{{ func }}({{ args }}{{ selector }}[{{ window }}]{{ at }})",
    "sum_over_time": "sum({{ func }}({{ args }}{{ selector }}[{{ window }}]{{ at }}))",
    # How many samples each matching series has over the window (scrapes a target answered).
    "count_over_time": "count_over_time({{ selector }}[{{ window }}]{{ at }})",
    # Numerator over a denominator that counted something; no traffic gives no sample (not NaN).
    "ratio": "({{ numerator }}) / (({{ denominator }}) > 0)",
    # The gate's rule for "the feature served none of the traffic": 0 instead of no value.
    "ratio_or_unserved": (
        "({{ ratio }}) or (0 * (({{ traffic }}) > 0) and on() (({{ denominator }}) == 0))"
    ),
    # A numerator term with no series counts as zero (no 504 was ever counted).
    "zero_if_absent": "({{ query }} or vector(0))",
    "quantile": "histogram_quantile({{ q }}, {{ buckets }})",
    # The +Inf bucket is the largest cumulative count: the number of observations.
    "observations": "max({{ buckets }})",
    "requests_or_traffic": "(({{ denominator }}) > 0) or ({{ traffic }})",
    "utilization": "({{ busy }}) / ({{ seconds }} * {{ size }} > 0)",
    "per_second": "({{ value }}) / {{ seconds }}",
    "or_fallback": "({{ exact }}) or max({{ fallback }})",
    "worst_series": "{{ func }}({{ query }})",
    # Alerts on recorded series.
    "violation": "{{ series }} {{ op }} {{ threshold }}",
    "guarded": "({{ alert }}) and on() ({{ requests }} >= {{ min_requests }})",
    "burn": "{{ bad }} > ({{ factor }} * {{ budget }})",
    "bad_of_good": "(1 - {{ series }})",
    "multiwindow": "({{ long }}) and ({{ short }})",
    # The guide's own alerts.
    "gauge_above": "{{ selector }} > {{ threshold }}",
    "rate_above": "rate({{ selector }}[{{ window }}]) > {{ threshold }}",
    "absent": "absent({{ selector }})",
    "all_absent": "({{ left }}) and on() ({{ right }})",
    "any_absent": "({{ left }}) or ({{ right }})",
    # Dashboard-only views of the guide's panels.
    "rate_by": "sum by ({{ by }}) (rate({{ selector }}[{{ window }}]))",
}

# aggregation -> (PromQL function, its leading arguments)
_OVER_TIME: Final[dict[str, tuple[str, str]]] = {
    "max": ("max_over_time", ""),
    "mean": ("avg_over_time", ""),
    "p95": ("quantile_over_time", "0.95, "),
    "last": ("last_over_time", ""),
    "count": ("count_over_time", ""),
}


def render(template: str, **params: object) -> str:
    """Render a named template; a missing parameter raises (StrictUndefined)."""
    return _ENV.from_string(TEMPLATES[template]).render(**params)


def number(value: float) -> str:
    """A threshold as PromQL prints it: ``0.9``, ``100``, ``1e-05``."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def at_modifier(at: float | None) -> str:
    """`` @ 1767225600.000`` pinning an instant query to the window's end ("" for ranges)."""
    return "" if at is None else f" @ {at:.3f}"


def render_query(query: Query, *, window: str, at: float | None = None) -> str:
    """The PromQL of a query value over ``[window]`` (a client statistic: its description)."""
    pin = at_modifier(at)
    match query:
        case Increase(selector=selector, by=()):
            return render("increase", selector=selector.promql(), window=window, at=pin)
        case Increase(selector=selector, by=by):
            return render(
                "increase_by", by=", ".join(by), selector=selector.promql(), window=window, at=pin
            )
        case OverTime(selector=selector, aggregation=aggregation, total=total):
            func, args = _OVER_TIME[aggregation]
            return render(
                "sum_over_time" if total else "over_time",
                func=func,
                args=args,
                selector=selector.promql(),
                window=window,
                at=pin,
            )
        case ClientStat():
            return query.describe()
