"""PromQL of the rule file, written once, rendered strictly (jinja2 ``StrictUndefined``).

The SLIs' own queries (``SliDef.queries``) are the building blocks: these templates only
combine them into one expression (a ratio, a quantile...) or compare a recorded series with
a threshold, so the rules and the dashboard measure what ``slo check`` measures.
"""

from __future__ import annotations

from typing import Final

import jinja2

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701

TEMPLATES: Final[dict[str, str]] = {
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


def render(template: str, **params: object) -> str:
    """Render a named template; a missing parameter raises (StrictUndefined)."""
    return _ENV.from_string(TEMPLATES[template]).render(**params)


def number(value: float) -> str:
    """A threshold as PromQL prints it: ``0.9``, ``100``, ``1e-05``."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
