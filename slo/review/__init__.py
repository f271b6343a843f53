"""The weekly success-criteria review (``slo review``): a profile judged over days.

``review(ReviewJob(...))`` returns the ``Report`` of ``evaluate`` with charts of the whole
window and a ``ReviewSection``: each objective day by day (failing days named), the
manual attestations read from the team's YAML file, and the trend against the previous
review's ``report.json``. ``ttl_advice`` recommends a cache TTL from the same window.
"""

from __future__ import annotations

from slo.review.attestations import AttestationRecord, load_attestations, parse_attestations
from slo.review.days import DAY, breakdown, day_label, day_periods
from slo.review.run import CHARTS, ReviewJob, review
from slo.review.trend import direction, previous_review, trend
from slo.review.ttl import TtlEvidence, TtlRecommendation, recommend, ttl_advice

__all__ = [
    "CHARTS",
    "DAY",
    "AttestationRecord",
    "ReviewJob",
    "TtlEvidence",
    "TtlRecommendation",
    "breakdown",
    "day_label",
    "day_periods",
    "direction",
    "load_attestations",
    "parse_attestations",
    "previous_review",
    "recommend",
    "review",
    "trend",
    "ttl_advice",
]
