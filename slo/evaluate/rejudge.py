"""Judge a past report again against (possibly new) thresholds, from its kept raw results.

Whole-window threshold objectives are re-measured from the report's ``raw`` vectors (the
client-side ones of older reports from its ``client`` summary); objectives judged per slice,
against a baseline, or by attestation keep the verdict the report holds, since their inputs
are not all in it.
"""

from __future__ import annotations

import time

from reports import ObjectiveResult, Report
from slo.evaluate.config import SpecConfig
from slo.evaluate.engine import EXIT_CODES, overall
from slo.evaluate.judge import judge_threshold
from slo.slis import AGGREGATED, ClientStats, EndpointStats, RawResult, RawSample, build_sli
from slo.sources import ClientSource
from slo.spec import Objective, Resolver, Spec
from slo.timeutil import to_datetime


def _client(report: Report) -> ClientStats | None:
    c = report.client
    if c is None or c.requests is None:
        return None
    row = EndpointStats(
        name=AGGREGATED,
        requests=c.requests,
        failures=c.failures or 0,
        mean_ms=c.mean_ms if c.mean_ms is not None else float("nan"),
        p95_ms=c.p95_ms,
        rps=c.rps if c.rps is not None else float("nan"),
    )
    return ClientStats(rows={AGGREGATED: row})


def _again(
    o: Objective, old: ObjectiveResult, report: Report, resolver: Resolver
) -> ObjectiveResult:
    if o.sustained is not None or o.baseline is not None:
        return old
    sli = build_sli(o.sli, resolver)
    if not old.raw and old.value is None and old.verdict.value == "skipped":
        return old
    raw: RawResult = {
        name: [RawSample(labels=s.labels, value=s.value) for s in series]
        for name, series in old.raw.items()
    }
    client = _client(report)
    if not raw and not sli.reads_server and client is not None:
        # Reports written before client answers were kept: the summary's Aggregated row.
        raw, _ = ClientSource(client).fetch(sli, 0.0, 0.0)
    duration = (report.window.end - report.window.start).total_seconds()
    m = sli.measure(raw, duration=duration)
    verdict, reason = judge_threshold(o, m)
    return old.model_copy(
        update={
            "verdict": verdict,
            "reason": reason,
            "value": m.value,
            "threshold": o.threshold,
            "warn_threshold": o.warn,
            "comparator": o.comparator,
            "gating": o.gating,
            "description": o.description,
        }
    )


def rejudge(report: Report, spec: Spec, *, resolver: Resolver | None = None) -> Report:
    """``report`` judged again against ``spec``'s objectives for the report's profile."""
    resolver = resolver or Resolver(spec.metrics)
    chosen = SpecConfig(spec=spec, spec_label="the spec", profile=report.profile, resolver=resolver)
    by_id = {o.id: o for o in chosen.definition.objectives}
    results = [
        _again(by_id[old.id], old, report, resolver) if old.id in by_id else old
        for old in report.objectives
    ]
    verdict = overall(results)
    return report.model_copy(
        update={
            "objectives": results,
            "verdict": verdict,
            "exit_code": EXIT_CODES[verdict],
            "generated_at": to_datetime(time.time()),
        }
    )
