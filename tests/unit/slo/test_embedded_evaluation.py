"""The embedded source judged on recorded samples (no server): same verdicts, same numbers."""

from __future__ import annotations

from golden_data import T0, WINDOW, build_datasets, fill_store

from reports import Verdict, read_json, write_json
from slo.evaluate import Evaluation, Window, evaluate
from slo.sources import EmbeddedSource, SampleStore
from slo.spec import default_spec_path, load_spec


def source() -> EmbeddedSource:
    store = SampleStore()
    fill_store(store, build_datasets())
    return EmbeddedSource(store)


def staging(hour: int, **extra: object) -> object:
    return evaluate(
        Evaluation(
            spec=load_spec(default_spec_path()),
            spec_label="phase1.yaml",
            profile="staging",
            window=Window(start=T0 + hour * 3600, end=T0 + hour * 3600 + WINDOW),
            source=source(),
            **extra,
        )
    )  # type: ignore[arg-type]


def test_the_healthy_recording_passes_staging_with_the_exact_hit_rate() -> None:
    report = staging(0)
    assert report.verdict == Verdict.PASS  # type: ignore[attr-defined]
    assert report.objective("cache_hit_rate").value == 0.95  # type: ignore[attr-defined]


def test_a_report_written_and_read_back_keeps_raw_results_for_rejudging(tmp_path: object) -> None:
    from pathlib import Path

    report = staging(0)
    path = write_json(report, Path(str(tmp_path)))  # type: ignore[arg-type]
    again = read_json(path)
    raw = again.objective("latency_p95").raw["buckets"]
    assert {s.labels["le"]: s.value for s in raw}["0.1"] == 9500.0


def test_a_pinned_baseline_report_judges_the_error_rate_increase() -> None:
    baseline = staging(0)
    report = staging(1, baseline=baseline, baseline_label="healthy.json")
    result = report.objective("error_rate_increase")  # type: ignore[attr-defined]
    assert (result.verdict, result.baseline_value) == (Verdict.FAIL, 0.0005)


def test_a_past_report_rejudged_against_a_stricter_threshold_fails_from_its_raw_results() -> None:
    from slo.evaluate import rejudge

    spec = load_spec(default_spec_path())
    staging_profile = spec.profiles["staging"]
    stricter = staging_profile.objectives[0].model_copy(update={"threshold": 0.96})
    profile = staging_profile.model_copy(
        update={"objectives": [stricter, *staging_profile.objectives[1:]]}
    )
    spec = spec.model_copy(update={"profiles": {**spec.profiles, "staging": profile}})
    again = rejudge(staging(0), spec)  # type: ignore[arg-type]
    result = again.objective("cache_hit_rate")
    assert (result.verdict, result.value, result.threshold) == (Verdict.FAIL, 0.95, 0.96)
    assert (again.verdict, again.exit_code) == (Verdict.FAIL, 1)
    assert again.objective("latency_p95").verdict == Verdict.PASS
