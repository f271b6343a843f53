"""The gate's watch (`--watch-profile`): its options, its ticks, its trip record.

No Locust here: the watch's logic is plain code with the judge and the clock injected
(`scenarios.watch`), and the judge the gate builds (`GateConfig.watch_judge`) is run on
samples written straight into a store.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from reports import ObjectiveResult, Report, ReportWindow, Verdict
from scenarios.gate_config import GateConfig, ServerSource, load_gate_config
from scenarios.watch import TRIP_FILE, WatchConfig, Watcher, load_watch_config, trip_of
from slo.errors import SourceError, UsageError
from slo.evaluate import SpecConfig, Window
from slo.sources import EmbeddedSource, MetricSource, SampleStore

T0 = 1_700_000_000.0
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback


def spec_config(profile: str = "staging") -> SpecConfig:
    return SpecConfig.load(spec=None, mapping=None, profile=profile)


def watch_options(**given: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "watch_profile": None,
        "watch_every": None,
        "watch_window": None,
        "watch_time_scale": None,
    }
    values.update(given)
    return SimpleNamespace(**values)


# -- options ----------------------------------------------------------------------------


def test_no_watch_profile_means_no_watch() -> None:
    assert load_watch_config(watch_options(), spec_config()) is None


def test_the_defaults_tick_every_15_s_over_the_last_5_minutes_in_real_time() -> None:
    config = load_watch_config(watch_options(watch_profile="escalation"), spec_config())
    assert config is not None
    assert (config.profile, config.every, config.window, config.time_scale) == (
        "escalation",
        15.0,
        300.0,
        1.0,
    )


def test_the_options_take_seconds_durations_and_a_time_scale() -> None:
    options = watch_options(
        watch_profile="escalation", watch_every="2", watch_window="10s", watch_time_scale="0.05"
    )
    config = load_watch_config(options, spec_config())
    assert config is not None
    assert (config.every, config.window, config.time_scale) == (2.0, 10.0, 0.05)
    assert config.describe() == "profile escalation over the last 10s every 2s, time scale 0.05"
    every = load_watch_config(
        watch_options(watch_profile="escalation", watch_every="1m"), spec_config()
    )
    assert every is not None and every.every == 60.0


def test_an_unknown_watch_profile_is_bad_usage() -> None:
    with pytest.raises(UsageError, match="no profile 'nope'") as caught:
        load_watch_config(watch_options(watch_profile="nope"), spec_config())
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("watch_every", "0", "--watch-every: expected a positive duration"),
        ("watch_every", "-5", "--watch-every: expected a positive duration"),
        ("watch_every", "soon", "--watch-every: expected a duration such as"),
        ("watch_window", "5 minutes", "--watch-window: expected a duration such as"),
        ("watch_window", "nan", "--watch-window: expected a positive duration"),
        ("watch_time_scale", "0", "--watch-time-scale: expected a number F with 0 < F <= 1"),
        ("watch_time_scale", "1.5", "--watch-time-scale: expected a number F with 0 < F <= 1"),
        ("watch_time_scale", "fast", "--watch-time-scale: expected a number F with 0 < F <= 1"),
    ],
)
def test_a_bad_watch_option_is_bad_usage(option: str, value: str, words: str) -> None:
    options = watch_options(watch_profile="escalation", **{option: value})
    with pytest.raises(UsageError) as caught:
        load_watch_config(options, spec_config())
    assert str(caught.value).startswith(words)


def test_watch_options_without_a_watch_profile_are_bad_usage() -> None:
    with pytest.raises(UsageError, match="--watch-every, --watch-window without --watch-profile"):
        load_watch_config(watch_options(watch_every="2", watch_window="10s"), spec_config())


def gate_options(**given: Any) -> SimpleNamespace:
    options = watch_options(
        slo_spec=None,
        slo_mapping=None,
        slo_profile="staging",
        baseline=None,
        report_dir="reports-out",
        warmup=None,
        scrape_lag=3.0,
        scrape_interval=1.0,
        prometheus_url=None,
        prometheus_bearer_token_file=None,
    )
    options.__dict__.update(given)
    return options


def test_the_gate_config_carries_the_watch() -> None:
    config = load_gate_config(gate_options(watch_profile="escalation"), host=CLOSED)
    assert config.watch is not None
    assert config.watch.profile == "escalation"
    # The watch reads the gate's spec and mapping; the gate keeps its own profile.
    assert config.watch.spec_config.spec is config.spec_config.spec
    assert config.watch.spec_config.resolver is config.spec_config.resolver
    assert config.spec_config.profile == "staging"
    assert load_gate_config(gate_options(), host=CLOSED).watch is None


def test_a_bad_watch_option_fails_before_prometheus_is_asked() -> None:
    # Prometheus is unreachable (exit 4), but the usage error is found first (exit 3).
    options = gate_options(watch_profile="nope", prometheus_url=CLOSED)
    with pytest.raises(UsageError, match="no profile 'nope'"):
        load_gate_config(options, host=CLOSED)


# -- ticks with an injected judge -----------------------------------------------------


def objective(
    id_: str, verdict: Verdict, *, gating: bool = True, reason: str = "r"
) -> ObjectiveResult:
    return ObjectiveResult(
        id=id_,
        description=f"the guide's words for {id_}",
        verdict=verdict,
        reason=reason,
        value=None,
        threshold=0,
        comparator=">",
        unit="ratio",
        gating=gating,
        kind="ratio",
        query="q",
    )


def report(*objectives: ObjectiveResult, verdict: Verdict = Verdict.PASS) -> Report:
    when = datetime.fromtimestamp(T0, tz=UTC)
    return Report(
        verdict=verdict,
        exit_code={"pass": 0, "fail": 1}.get(verdict.value, 2),
        profile="escalation",
        spec="phase1.yaml",
        source="test",
        target="",
        window=ReportWindow(start=when, end=when),
        objectives=list(objectives),
        generated_at=when,
        time_scale=0.05,
    )


def watch_config(every: float = 2.0, window: float = 10.0) -> WatchConfig:
    return WatchConfig(
        spec_config=spec_config("escalation"), every=every, window=window, time_scale=0.05
    )


class Judges:
    """Answers the ticks in turn (a Report, or an exception to raise); records windows."""

    def __init__(self, *answers: Report | Exception) -> None:
        self.answers = list(answers)
        self.windows: list[Window] = []

    def __call__(self, window: Window) -> Report:
        self.windows.append(window)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


FAILED = report(
    objective("error_rate_increase_5pct", Verdict.SKIPPED),
    objective("cache_completely_failing", Verdict.FAIL, reason="0 <= 0"),
    objective("read_replica_causing_errors", Verdict.FAIL, reason="3 > 0"),
    verdict=Verdict.FAIL,
)


def test_a_failing_gating_objective_trips_with_the_guides_words_and_the_reason() -> None:
    judge = Judges(FAILED)
    trip = Watcher(config=watch_config(), judge=judge).tick(T0 + 30)
    assert trip is not None
    assert trip.objective == "cache_completely_failing"
    assert trip.line() == (
        "ROLLBACK: cache_completely_failing: the guide's words for cache_completely_failing "
        "(0 <= 0); also failing: read_replica_causing_errors"
    )
    assert trip.at == T0 + 30
    assert judge.windows == [Window(start=T0 + 20, end=T0 + 30)]  # [now - window, now]


def test_a_failing_objective_that_only_informs_never_trips() -> None:
    informs = report(objective("cache_completely_failing", Verdict.FAIL, gating=False))
    assert trip_of(informs, Window(start=T0, end=T0 + 10)) is None
    assert Watcher(config=watch_config(), judge=Judges(informs)).tick(T0) is None


@pytest.mark.parametrize(
    "answer",
    [
        report(
            objective("cache_completely_failing", Verdict.INCONCLUSIVE, reason="too few requests"),
            verdict=Verdict.INCONCLUSIVE,
        ),
        SourceError("Prometheus http://127.0.0.1:9 unreachable: connection refused"),
        RuntimeError("a bug in a source"),
    ],
    ids=["inconclusive", "source error", "any error"],
)
def test_a_tick_that_cannot_see_logs_one_line_and_never_trips(
    answer: Report | Exception, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="slo.gate.watch"):
        assert Watcher(config=watch_config(), judge=Judges(answer)).tick(T0) is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert "watch escalation tick 1 at " in lines[0]
    assert ": cannot see: " in lines[0]
    if isinstance(answer, Report):
        assert "cache_completely_failing: too few requests" in lines[0]
    else:
        assert str(answer) in lines[0]


def test_a_passing_tick_logs_its_verdict(caplog: pytest.LogCaptureFixture) -> None:
    passed = report(objective("cache_completely_failing", Verdict.PASS))
    with caplog.at_level(logging.INFO, logger="slo.gate.watch"):
        assert Watcher(config=watch_config(), judge=Judges(passed)).tick(T0) is None
    assert [r.getMessage().rsplit(": ", 1)[1] for r in caplog.records] == ["pass"]


class Clock:
    """Fake time: `sleep` moves it on; each judge call takes `took` seconds."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_watch_ticks_every_period_from_the_start_until_the_first_trip() -> None:
    clock = Clock(T0)
    passed = report(objective("cache_completely_failing", Verdict.PASS))
    blind = report(verdict=Verdict.INCONCLUSIVE)
    judge = Judges(passed, SourceError("down"), blind, FAILED, passed)
    watcher = Watcher(config=watch_config(every=2.0), judge=judge)
    trip = watcher.run(started=T0, clock=clock, sleep=clock.sleep)
    assert trip.objective == "cache_completely_failing"
    assert [w.end - T0 for w in judge.windows] == [2.0, 4.0, 6.0, 8.0]
    assert trip.at == T0 + 8
    assert len(judge.answers) == 1  # no tick after the trip


def test_a_tick_that_overran_skips_the_slots_it_missed() -> None:
    clock = Clock(T0)
    passed = report(objective("cache_completely_failing", Verdict.PASS))

    class Slow(Judges):
        def __call__(self, window: Window) -> Report:
            answer = super().__call__(window)
            if len(self.windows) == 1:
                clock.now += 5.0  # the first tick takes 5 s: slots at 4 s and 6 s are gone
            return answer

    judge = Slow(passed, FAILED)
    trip = Watcher(config=watch_config(every=2.0), judge=judge).run(
        started=T0, clock=clock, sleep=clock.sleep
    )
    assert [w.end - T0 for w in judge.windows] == [2.0, 8.0]
    assert trip.at == T0 + 8


# -- the trip's record ------------------------------------------------------------------


def test_the_trip_is_written_next_to_the_report_with_the_time_scale(tmp_path: Path) -> None:
    window = Window(start=T0 + 20, end=T0 + 30)
    trip = trip_of(FAILED, window)
    assert trip is not None
    path = trip.write(tmp_path / "out", watch_config(), secrets=["s3cret"])
    assert path == tmp_path / "out" / TRIP_FILE
    record = json.loads(path.read_text())
    assert record["schema"] == "slo-harness/gate-watch-trip/v1"
    assert (record["profile"], record["objective"]) == ("escalation", "cache_completely_failing")
    assert record["reason"].startswith("the guide's words for cache_completely_failing (0 <= 0)")
    assert record["at"] == "2023-11-14T22:13:50Z"  # T0 + 30
    assert record["window"] == {"start": "2023-11-14T22:13:40Z", "end": "2023-11-14T22:13:50Z"}
    assert (record["every_seconds"], record["window_seconds"]) == (2.0, 10.0)
    assert record["time_scale"] == 0.05
    assert record["report"]["time_scale"] == 0.05
    assert record["report"]["objectives"][1]["verdict"] == "fail"


def test_the_trip_record_keeps_credentials_out(tmp_path: Path) -> None:
    leaky = report(
        objective("cache_completely_failing", Verdict.FAIL, reason="s3cret in the reason"),
        verdict=Verdict.FAIL,
    )
    trip = trip_of(leaky, Window(start=T0, end=T0 + 10))
    assert trip is not None
    text = trip.write(tmp_path, watch_config(), secrets=["s3cret"]).read_text()
    assert "s3cret" not in text


# -- the judge the gate builds, on samples ----------------------------------------------


class StoreSource:
    """A `ServerSource` over a store the test fills (as the embedded scraper does)."""

    def __init__(self, store: SampleStore) -> None:
        self.store = store

    def start(self) -> None:
        return None

    def view(self) -> MetricSource:
        return EmbeddedSource(self.store, description="test samples")

    def finish(self) -> MetricSource:
        return self.view()


def scrapes(*, hits_per_second: float, seconds: int = 12) -> SampleStore:
    """One scrape a second: 10 /models requests a second, `hits_per_second` of them hits."""
    store = SampleStore()
    for i in range(seconds + 1):
        store.add_samples(
            T0 + i,
            [
                (
                    "http_requests_total",
                    {"method": "GET", "path": "/models", "status": "200"},
                    10.0 * i,
                ),
                ("catalog_cache_hits_total", {"gateway": "all"}, hits_per_second * i),
                ("catalog_cache_misses_total", {"gateway": "all"}, (10 - hits_per_second) * i),
                ("read_replica_connection_errors_total", {}, 0.0),
                ("read_replica_queries_total", {"table": "offerings", "status": "ok"}, 5.0 * i),
                ("read_replica_queries_total", {"table": "offerings", "status": "error"}, 0.0),
            ],
        )
    return store


def gate(watch: WatchConfig) -> GateConfig:
    return GateConfig(
        spec_config=spec_config(),
        target=CLOSED,
        report_dir=Path("unused"),
        warmup=None,
        scrape_lag=0.0,
        prometheus=None,
        watch=watch,
    )


def test_the_gates_judge_trips_on_cache_completely_failing_when_nothing_hits() -> None:
    watch = watch_config()
    server: ServerSource = StoreSource(scrapes(hits_per_second=0))
    trip = Watcher(config=watch, judge=gate(watch).watch_judge(watch, server)).tick(T0 + 12)
    assert trip is not None
    assert trip.objective == "cache_completely_failing"
    assert trip.reason.startswith("Cache completely failing (read as:")
    assert trip.report.time_scale == 0.05  # the tripping window's report states the scale
    assert trip.report.profile == "escalation"


def test_the_gates_judge_does_not_trip_while_the_cache_hits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    watch = watch_config()
    server: ServerSource = StoreSource(scrapes(hits_per_second=9))
    with caplog.at_level(logging.INFO, logger="slo.gate.watch"):
        watcher = Watcher(config=watch, judge=gate(watch).watch_judge(watch, server))
        assert watcher.tick(T0 + 12) is None
    assert (
        caplog.records[0]
        .getMessage()
        .endswith(": pass (skipped: error_rate_increase_5pct, response_time_over_2s_5min)")
    )


def test_the_watch_judges_without_a_baseline_and_scales_the_sustained_window() -> None:
    watch = watch_config()
    judge = gate(watch).watch_judge(watch, StoreSource(scrapes(hits_per_second=9, seconds=30)))
    short = judge(Window(start=T0 + 20, end=T0 + 30))
    relative = short.objective("error_rate_increase_5pct")
    assert (relative.verdict, relative.reason[:18]) == (Verdict.SKIPPED, "no baseline given ")
    # "for 5 minutes" at time scale 0.05: a 15 s window is enough, a 10 s one is not.
    sustained = short.objective("response_time_over_2s_5min")
    assert sustained.verdict == Verdict.SKIPPED
    assert sustained.reason.startswith("needs a window of at least ")
    assert "15s" in sustained.reason and sustained.reason.endswith("this one is 10s")
    longer = judge(Window(start=T0 + 10, end=T0 + 30)).objective("response_time_over_2s_5min")
    assert "needs a window" not in longer.reason


def test_the_embedded_source_cannot_be_viewed_before_its_first_scrape() -> None:
    server = gate(watch_config()).server_source()
    with pytest.raises(SourceError, match="was not scraped yet: no scrape"):
        server.view()
