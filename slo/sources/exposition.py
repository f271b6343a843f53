"""Prometheus text expositions read into samples, under the names PromQL sees.

The reading itself is prometheus_client's parser (lines, labels and their escapes); this
module fixes what it names differently from Prometheus:

- Samples keep their *sample* name (``http_requests_total``,
  ``http_request_duration_seconds_bucket``); a counter exposed without ``_total``
  (``# TYPE jobs counter`` / ``jobs 3``) keeps its exposed name, which prometheus_client
  would rename to ``jobs_total``.
- The ``_created`` series of counters, histograms, summaries and gauge histograms are
  dropped; a series merely named ``..._created`` that no such family owns is kept.
- Exposition timestamps are ignored, and label values are kept as exposed (``""`` too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from prometheus_client.parser import text_string_to_metric_families

__all__ = ["Sample", "parse_exposition"]

Sample = tuple[str, Mapping[str, str], float]
"""``(sample name, labels, value)``."""

_CREATED_PARENTS: Final = frozenset({"counter", "histogram", "summary", "gaugehistogram"})
_COUNTER_TYPE_LINE: Final = re.compile(r"^#\s*TYPE\s+(\S+)\s+counter\s*$", re.MULTILINE)


def parse_exposition(text: str) -> list[Sample]:
    """The samples of a Prometheus text exposition, in order; see the module docstring.

    ``ValueError`` when the text is not an exposition.
    """
    # prometheus_client renames the samples of a counter declared without ``_total``
    # (``# TYPE jobs counter`` / ``jobs 3``) to ``jobs_total``; PromQL would see ``jobs``.
    bare_counters = {
        name for name in _COUNTER_TYPE_LINE.findall(text) if not name.endswith("_total")
    }
    try:
        families = list(text_string_to_metric_families(text))
    except (ValueError, IndexError) as exc:
        raise ValueError(f"not a Prometheus text exposition ({exc or type(exc).__name__})") from exc
    parents = {family.name for family in families if family.type in _CREATED_PARENTS}
    samples: list[Sample] = []
    for family in families:
        restore = family.type == "counter" and family.name in bare_counters
        for sample in family.samples:
            name = sample.name
            if name.endswith("_created") and name[: -len("_created")] in parents:
                continue
            if restore and name == family.name + "_total":
                name = family.name
            samples.append((name, sample.labels, float(sample.value)))
    return samples
