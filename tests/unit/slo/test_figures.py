"""The spec's figures: measured over every judged window, whatever the profile, never judged."""

from __future__ import annotations

import pytest
from golden_data import T0, WINDOW, build_datasets, fill_store
from pydantic import ValidationError

from reports import Report, Verdict
from slo.errors import SourceError
from slo.evaluate import Evaluation, Window, evaluate, measure_figures
from slo.slis import SliDef
from slo.sources import EmbeddedSource, SampleStore
from slo.spec import Figure, default_spec_path, load_spec

SPEC = load_spec(default_spec_path())
NAMES = ["response_time", "primary_db_queries", "pool_utilization", "timeouts", "hit_rate"]


def source() -> EmbeddedSource:
    store = SampleStore()
    fill_store(store, build_datasets())
    return EmbeddedSource(store)


def judged(profile: str, hour: int, *, with_source: bool = True) -> Report:
    return evaluate(
        Evaluation(
            spec=SPEC,
            spec_label="phase1.yaml",
            profile=profile,
            window=Window(start=T0 + hour * 3600, end=T0 + hour * 3600 + WINDOW),
            source=source() if with_source else None,
        )
    )


def values(report: Report) -> dict[str, float | None]:
    return {name: figure.value for name, figure in report.figures.items()}


def test_the_shipped_spec_defines_the_guides_impact_figures() -> None:
    assert list(SPEC.figures) == NAMES
    units = {name: f.unit for name, f in SPEC.figures.items()}
    assert units == {
        "response_time": "seconds",
        "primary_db_queries": "requests_per_second",
        "pool_utilization": "ratio",
        "timeouts": "count",
        "hit_rate": "ratio",
    }


def test_every_profile_measures_every_figure_over_the_window() -> None:
    staging = judged("staging", 0)
    assert values(staging) == {
        "response_time": pytest.approx(staging.objective("latency_p95").value),
        "primary_db_queries": pytest.approx(200 / WINDOW),
        "pool_utilization": pytest.approx(120 / (WINDOW * 5)),
        "timeouts": 5.0,
        "hit_rate": 0.95,
    }
    # The load-test profile judges none of them from metrics: each is measured anyway.
    load_test = judged("load-test", 0)
    assert values(load_test) == values(staging)
    assert {f.objective for f in load_test.figures.values()} == {None}


def test_a_figure_on_a_judged_objectives_sli_reuses_its_measurement() -> None:
    figures = judged("staging", 0).figures
    assert figures["hit_rate"].objective == "cache_hit_rate"
    assert figures["timeouts"].objective == "timeout_error_rate"
    assert figures["primary_db_queries"].objective is None  # no staging objective reads it
    assert "db_queries_total" in figures["primary_db_queries"].query


def test_no_499_or_504_series_while_requests_were_counted_is_zero_timeouts() -> None:
    cache_off = judged("staging", 4)
    assert cache_off.figures["timeouts"].value == 0.0
    assert cache_off.figures["hit_rate"].value == 0.0  # caching off: served none
    primary = cache_off.figures["primary_db_queries"]
    assert primary.value is None  # no db_queries_total at all: n/a, never 0
    assert "db_queries_total" in primary.reason


def test_without_a_metric_source_every_figure_is_missing_with_a_reason() -> None:
    report = judged("staging", 0, with_source=False)
    assert set(values(report).values()) == {None}
    assert all("metric source" in f.reason for f in report.figures.values())


def test_figures_never_change_the_verdict_even_when_the_source_fails() -> None:
    class Failing(EmbeddedSource):
        def fetch(self, sli: SliDef, start: float, end: float) -> tuple[dict, dict]:  # type: ignore[type-arg]
            raise SourceError("prometheus: 503 Service Unavailable")

    job = Evaluation(
        spec=SPEC,
        spec_label="phase1.yaml",
        profile="staging",
        window=Window(start=T0, end=T0 + WINDOW),
        source=Failing(SampleStore()),
    )
    figures = measure_figures(job, [], [])
    assert {f.value for f in figures.values()} == {None}
    assert "503" in figures["hit_rate"].reason
    assert judged("staging", 1).verdict == Verdict.FAIL  # and judging is unchanged by figures


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"sli": {"kind": "client", "stat": "p95_ms"}, "unit": "milliseconds"}, "server-side"),
        (
            {"sli": SPEC.figures["response_time"].sli.model_dump(), "unit": "seconds",
             "measure": "numerator_count"},
            "ratio SLI",
        ),
        (
            {"sli": SPEC.figures["timeouts"].sli.model_dump(), "unit": "ratio",
             "measure": "numerator_count"},
            "expected unit count",
        ),
    ],
)  # fmt: skip
def test_a_figure_whose_measure_does_not_fit_its_sli_is_rejected(
    block: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        Figure.model_validate({"description": "x", **block})
