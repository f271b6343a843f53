"""``evaluate``: judge every objective of a profile over a window and build the ``Report``."""

from __future__ import annotations

import time
from collections.abc import Mapping

from reports import (
    ClientSummary,
    ObjectiveResult,
    RawSeries,
    Report,
    ReportWindow,
    SliceResult,
    Verdict,
)
from slo.evaluate.config import RunConfig
from slo.evaluate.coverage import Coverage, scrape_coverage
from slo.evaluate.figures import measure_figures
from slo.evaluate.judge import Outcome, judge_baseline, judge_threshold
from slo.evaluate.stated import stated_durations
from slo.evaluate.sustained import judge_slices, too_short
from slo.metrics import HTTP_REQUESTS, LABEL_PATH
from slo.slis import AGGREGATED, Measurement, RatioDef, RawResult, SliDef, build_sli
from slo.sources import ClientSource, MetricSource, QuerySource
from slo.spec import Attestation, Objective, Selector
from slo.timeutil import format_duration, to_datetime

EXIT_CODES: dict[Verdict, int] = {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.INCONCLUSIVE: 2}
_MEASURED = (Verdict.PASS, Verdict.WARN, Verdict.FAIL)
# A gap in the source's samples voids these; a failure measured on what is there stands.
_NOT_FAILED = (Verdict.PASS, Verdict.WARN)


def overall(results: list[ObjectiveResult]) -> Verdict:
    """DESIGN: fail if a gating objective fails, else inconclusive if one is, else pass."""
    gating = [r.verdict for r in results if r.gating]
    if Verdict.FAIL in gating:
        return Verdict.FAIL
    if Verdict.INCONCLUSIVE in gating:
        return Verdict.INCONCLUSIVE
    return Verdict.PASS


def evaluate(job: RunConfig) -> Report:
    """Judge ``job.profile`` of ``job.spec`` over ``job.window``."""
    profile = job.definition
    disagreement, client = _client_check(job, profile.client_server_tolerance)
    coverage = _coverage(job)
    gap = None if coverage is None or coverage.enough else coverage.reason(_source_name(job))
    results = [_objective(job, o, disagreement, gap) for o in profile.objectives]
    results += [_attestation(a, job.attestations, job.attest_hint) for a in profile.attestations]
    verdict = overall(results)
    return Report(
        verdict=verdict,
        exit_code=EXIT_CODES[verdict],
        profile=job.profile,
        spec=job.spec_label,
        source=job.source.description if job.source else "client statistics only",
        target=job.target,
        window=ReportWindow(start=to_datetime(job.window.start), end=to_datetime(job.window.end)),
        objectives=results,
        client=client,
        baseline=job.baseline_label,
        time_scale=job.time_scale,
        generated_at=to_datetime(time.time()),
        figures=measure_figures(job, profile.objectives, results),
        stated_durations=stated_durations(job.profile, profile),
    )


def _raw(raw: RawResult) -> dict[str, list[RawSeries]]:
    return {k: [RawSeries(labels=dict(s.labels), value=s.value) for s in v] for k, v in raw.items()}


def _display(queries: Mapping[str, str]) -> str:
    if len(queries) == 1:
        return next(iter(queries.values()))
    return "; ".join(f"{name} = {q}" for name, q in queries.items())


def _source_for(job: RunConfig, sli: SliDef) -> tuple[QuerySource | MetricSource | None, str]:
    """The source that answers ``sli``, or None and what the user must give."""
    if sli.reads_server:
        return job.source, "a metric source (--prometheus-url or --target)"
    client = None if job.client is None else ClientSource(job.client)
    return client, "no Locust statistics given (--locust-stats FILE)"


def _coverage(job: RunConfig) -> Coverage | None:
    """The source's coverage of the window (None: no server source, or too few samples)."""
    if not isinstance(job.source, QuerySource):
        return None
    return scrape_coverage(job.source, job.resolver, job.window.start, job.window.end)


def _source_name(job: RunConfig) -> str:
    return (
        "Prometheus"
        if job.source is not None and job.source.kind == "prometheus"
        else ("the metric source")
    )


def _objective(
    job: RunConfig, o: Objective, disagreement: str | None, gap: str | None = None
) -> ObjectiveResult:
    sli = build_sli(o.sli, job.resolver)
    raw: RawResult = {}
    slices: list[SliceResult] = []
    baseline_value: float | None = None
    window = job.window
    queries = sli.queries(window=format_duration(window.duration), at=window.end)
    short = too_short(o, window, job.time_scale) if o.sustained else None
    source, absent = _source_for(job, sli)
    if source is None:
        m = Measurement(value=None, missing=(absent,))
        outcome = short or judge_threshold(o, m)
    elif short is not None:
        m, outcome = Measurement(value=None), short
    else:
        raw, queries = source.fetch(sli, window.start, window.end)
        m = sli.measure(raw, duration=window.duration)
        if o.baseline is not None:
            baseline_value = _baseline_value(job, o)
            outcome = judge_baseline(o, m, baseline_value, hint=job.baseline_hint)
        elif o.sustained is not None:
            outcome, slices = judge_slices(o, sli, source, window, job.time_scale)
        else:
            outcome = judge_threshold(o, m)
        if disagreement and sli.reads_server and outcome[0] in _MEASURED:
            outcome = (Verdict.INCONCLUSIVE, disagreement)
        elif gap and sli.reads_server and outcome[0] in _NOT_FAILED:
            outcome = (Verdict.INCONCLUSIVE, gap)
    bounds = (m.lower, m.upper) if m.lower is not None and m.upper is not None else None
    return ObjectiveResult(
        id=o.id,
        description=o.description,
        verdict=outcome[0],
        reason=outcome[1],
        value=m.value,
        threshold=o.threshold,
        warn_threshold=o.warn,
        comparator=o.comparator or (o.baseline.comparison if o.baseline else None),
        unit=o.unit,
        gating=o.gating,
        kind=sli.kind,
        query=_display(queries),
        queries=dict(queries),
        bounds=bounds,
        requests=m.requests,
        baseline_value=baseline_value,
        slices=slices,
        failing_slices=[s for s in slices if s.verdict == Verdict.FAIL],
        raw=_raw(raw),
        runbook=_runbook(job, o, sli) if outcome[0] == Verdict.FAIL else None,
    )


def _runbook(job: RunConfig, o: Objective, sli: SliDef) -> str:
    """The guide's troubleshooting step for a failing objective (slo.rules.runbooks)."""
    from slo.rules.runbooks import ROLLBACK_PROFILES, runbook_for  # slo.rules imports us

    return runbook_for(sli.selectors(), unit=o.unit, escalation=job.profile in ROLLBACK_PROFILES)


def _baseline_value(job: RunConfig, o: Objective) -> float | None:
    if job.baseline is not None:
        try:
            return job.baseline.objective(o.id).value
        except KeyError:
            return None
    if job.baseline_window is not None and job.source is not None:
        sli = build_sli(o.sli, job.resolver)
        w = job.baseline_window
        raw, _ = job.source.fetch(sli, w.start, w.end)
        return sli.measure(raw, duration=w.duration).value
    return None


def _attestation(a: Attestation, recorded: Mapping[str, bool], hint: str) -> ObjectiveResult:
    outcome: Outcome
    if a.id not in recorded:
        outcome = (Verdict.INCONCLUSIVE, f"unattested: {hint.format(id=a.id)}")
    elif recorded[a.id]:
        outcome = (Verdict.PASS, "attested pass")
    else:
        outcome = (Verdict.FAIL, "attested fail")
    return ObjectiveResult(
        id=a.id,
        description=a.description,
        verdict=outcome[0],
        reason=outcome[1],
        value=None,
        threshold=None,
        comparator=None,
        unit="attestation",
        gating=a.gating,
        kind="attestation",
        query="manual attestation",
    )


def _client_check(job: RunConfig, tolerance: float) -> tuple[str | None, ClientSummary | None]:
    """Compare Locust's request count with the server's; a reason when they disagree."""
    if job.client is None:
        return None, None
    row = job.client.rows.get(AGGREGATED)
    summary = ClientSummary(
        requests=None if row is None else row.requests,
        failures=None if row is None else row.failures,
        rps=None if row is None else row.rps,
        mean_ms=None if row is None else row.mean_ms,
        p95_ms=None if row is None else row.p95_ms,
        timeouts=None if row is None else row.timeouts,
    )
    if job.source is None or row is None:
        return None, summary
    # The server also counts the scrapes of its own /metrics (Prometheus, the
    # embedded scraper), which no load generator sent: they are taken out.
    requests = job.resolver.resolve(Selector(metric=HTTP_REQUESTS))
    scrapes = job.resolver.resolve(Selector(metric=HTTP_REQUESTS, match={LABEL_PATH: "/metrics"}))
    counter = RatioDef([scrapes], [requests])
    raw, _ = job.source.fetch(counter, job.window.start, job.window.end)
    measured = counter.measure(raw, duration=job.window.duration)
    server = None
    if measured.requests == 0:
        server = 0.0  # the server counted nothing: the load went elsewhere
    elif measured.requests is not None and measured.is_finite:
        server = measured.requests * (1.0 - (measured.value or 0.0))
    client_n = float(row.requests)
    if server is None:
        return None, summary.model_copy(update={"agreement": "server count unavailable"})
    # Scrapes do not fall on the window's edges: the server's count may cover up to
    # a scrape interval more or less at each end. With the client's counts for the
    # window shrunk and grown by that much, only a gap beyond that range counts.
    low, high = job.client.requests_range or (row.requests, row.requests)
    nearest = min(max(server, float(low)), float(high))
    gap = abs(nearest - server) / max(client_n, server, 1.0)
    text = f"client sent {client_n:g} requests, server counted {server:g} ({gap:.1%} apart)"
    if (low, high) != (row.requests, row.requests):
        text = (
            f"client sent {client_n:g} requests ({low}-{high} with the scrape edges), "
            f"server counted {server:g} ({gap:.1%} outside)"
        )
    update = {"server_requests": server, "agreement": text}
    if gap > tolerance:
        reason = f"{text}, more than the {tolerance:.0%} tolerance"
        return reason, summary.model_copy(update=update)
    return None, summary.model_copy(update=update)
