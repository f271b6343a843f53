"""Scrape coverage: a window the source saw only in part never passes (missing data is
never a pass), while a failure measured on the samples that are there stands."""

from __future__ import annotations

from golden_data import STEP, T0, WINDOW, build_datasets, fill_store

from reports import Report, Verdict
from slo.evaluate import Evaluation, Window, evaluate
from slo.evaluate.coverage import MIN_COVERAGE, scrape_coverage
from slo.sources import EmbeddedSource, SampleStore
from slo.spec import Resolver, default_spec_path, load_spec


def with_gap(
    hour: int, gap: tuple[float, float] | None, *, target_down: bool = False
) -> EmbeddedSource:
    """The golden recordings, with no sample in ``gap`` (shares of hour ``hour``'s window);
    with ``target_down`` the scrapes go on there, answered by nothing (``up`` 0)."""
    datasets = build_datasets()
    if gap is not None:
        start = T0 + hour * 3600
        low, high = start + gap[0] * WINDOW, start + gap[1] * WINDOW
        for ds in datasets.values():
            ds.samples = {
                key: [
                    (ts, 0.0 if low <= ts < high else v)
                    for ts, v in points
                    if not low <= ts < high or (target_down and key[0] == "up")
                ]
                for key, points in ds.samples.items()
            }
    store = SampleStore()
    fill_store(store, datasets)
    return EmbeddedSource(store)


def staging(hour: int, gap: tuple[float, float] | None) -> Report:
    start = T0 + hour * 3600
    return evaluate(
        Evaluation(
            spec=load_spec(default_spec_path()),
            spec_label="phase1.yaml",
            profile="staging",
            window=Window(start=start, end=start + WINDOW),
            source=with_gap(hour, gap),
        )
    )


def test_a_whole_window_is_fully_covered_and_passes() -> None:
    coverage = scrape_coverage(with_gap(0, None), Resolver(), T0, T0 + WINDOW)
    assert coverage is not None
    assert (coverage.fraction, coverage.longest_gap_s) == (1.0, 0.0)
    assert coverage.samples == WINDOW // STEP + 1
    assert staging(0, None).verdict == Verdict.PASS


def test_a_gap_of_a_third_of_the_window_is_measured() -> None:
    coverage = scrape_coverage(with_gap(0, (0.3, 0.65)), Resolver(), T0, T0 + WINDOW)
    assert coverage is not None and not coverage.enough
    assert coverage.fraction < MIN_COVERAGE
    # 210 s without a sample: three or four whole 60 s slices
    assert 180 <= coverage.longest_gap_s <= 240


def test_the_healthy_recording_with_a_gap_is_inconclusive_not_a_pass() -> None:
    report = staging(0, (0.3, 0.65))
    assert (report.verdict, report.exit_code) == (Verdict.INCONCLUSIVE, 2)
    hit_rate = report.objective("cache_hit_rate")
    assert hit_rate.verdict == Verdict.INCONCLUSIVE
    assert "holds samples for only" in hit_rate.reason
    assert "missing data" in hit_rate.reason


def test_a_short_gap_below_the_bound_leaves_the_pass_standing() -> None:
    # 30 s of 600 (5%): at most one 60 s slice goes empty, 90% stay covered
    coverage = scrape_coverage(with_gap(0, (0.5, 0.55)), Resolver(), T0, T0 + WINDOW)
    assert coverage is not None and coverage.enough
    assert staging(0, (0.5, 0.55)).verdict == Verdict.PASS


def test_a_failure_measured_on_the_samples_there_stays_a_failure() -> None:
    report = staging(1, (0.3, 0.65))
    assert report.verdict == Verdict.FAIL
    assert report.objective("cache_hit_rate").verdict == Verdict.FAIL


def test_too_few_samples_to_tell_a_gap_from_the_interval_gives_no_coverage() -> None:
    # 90 s at 15 s, both edges in: 7 samples, fewer than it takes to tell
    assert scrape_coverage(with_gap(0, None), Resolver(), T0, T0 + 90) is None


def test_no_series_at_all_gives_no_coverage() -> None:
    empty = EmbeddedSource(SampleStore())
    assert scrape_coverage(empty, Resolver(), T0, T0 + WINDOW) is None


def test_a_target_down_inside_the_window_is_scraped_data_not_a_gap() -> None:
    # Prometheus kept scraping and recorded up 0: the availability objectives judge that
    coverage = scrape_coverage(
        with_gap(0, (0.3, 0.65), target_down=True), Resolver(), T0, T0 + WINDOW
    )
    assert coverage is not None and coverage.fraction == 1.0
