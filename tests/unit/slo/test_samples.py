"""The embedded sample store, against six recorded scrapes of the reference service.

``exposition/scrape_{0..5}.prom`` were taken 10 s apart (T0, T0+10, ... T0+50) and the
service restarted between scrape 2 and scrape 3, so every counter resets there. In short:

    http_requests_total{method="GET", path, status}
      /models 200            100 130 160 | 10 40 70    increase over all: 130
      /models 499              2   2   3 |  0  1  1                       2
      /models 504              0   0   1 |  0  0  0                       1
      /models 500              -   -   - |  -  3  4    first seen mid-window: 4
      /models/{model_id} 200  50  60  70 |  5 15 25                      45
      /health 200             10  11  12 |  1  2  3                       5
    http_request_duration_seconds (GET /models): its _count follows /models 200
    connection_pool_utilization{client_type}: primary .25 .5 .75 | 0 .25 .5,
      replica .125 .375 .5 | (absent) .125 .25
    connection_pool_busy_seconds_total: primary 12.5 16.5 22.5 | 0 2 6 (+16 s)
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slo.sources import Matcher, SampleStore, parse_exposition

FIXTURES = Path(__file__).parent / "exposition"
T0 = 1_767_225_600.0
END = T0 + 50
REQUESTS = "http_requests_total"
BUCKETS = "http_request_duration_seconds_bucket"
UTILIZATION = "connection_pool_utilization"


def recorded(k: int) -> str:
    return (FIXTURES / f"scrape_{k}.prom").read_text()


@pytest.fixture(scope="module")
def store() -> SampleStore:
    store = SampleStore()
    for k in range(6):
        store.add_scrape(T0 + 10 * k, recorded(k))
    return store


# -- parsing -------------------------------------------------------------------------


def test_samples_are_stored_under_the_names_promql_sees_and_created_series_are_dropped(
    store: SampleStore,
) -> None:
    assert store.metric_names() == {
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "http_request_duration_seconds_count",
        "http_request_duration_seconds_sum",
        "connection_pool_utilization",
        "connection_pool_size",
        "catalog_cache_hits_total",
        "catalog_cache_misses_total",
        "read_replica_connection_errors_total",
        "connection_pool_busy_seconds_total",
    }


def test_series_labels_lists_every_series_ever_seen_sorted(store: SampleStore) -> None:
    assert store.series_labels("catalog_cache_hits_total") == [
        {"gateway": "all"},
        {"gateway": "openai"},
    ]
    assert {"method": "GET", "path": "/models", "status": "500"} in store.series_labels(REQUESTS)
    assert len(store.series_labels(REQUESTS)) == 6
    assert store.series_labels("no_such_metric") == []


def test_time_range_is_the_first_and_last_scrape(store: SampleStore) -> None:
    assert store.time_range() == (T0, END)
    assert SampleStore().time_range() is None


def test_a_counter_declared_without_total_keeps_its_exposed_name() -> None:
    text = "# TYPE jobs counter\njobs 3\n# TYPE done_total counter\ndone_total 4\n"
    assert parse_exposition(text) == [("jobs", {}, 3.0), ("done_total", {}, 4.0)]


def test_a_gauge_named_created_is_kept_when_no_counter_owns_it() -> None:
    text = "# TYPE batch_created gauge\nbatch_created 7\n"
    assert parse_exposition(text) == [("batch_created", {}, 7.0)]


def test_a_malformed_exposition_is_rejected_and_stores_nothing() -> None:
    store = SampleStore()
    with pytest.raises(ValueError, match="not a Prometheus text exposition"):
        store.add_scrape(T0, 'http_requests_total{path="/models" 3\n')
    assert store.time_range() is None
    assert store.metric_names() == set()


@pytest.mark.parametrize(
    "line",
    [
        'http_requests_total{method="GET",path="/models",status="200"} many',
        'http_requests_total{method="GET",path="/models",status="200"} 1_000',
        'http_requests_total{method="GET",path="/models",status="200"',
    ],
)
def test_a_broken_value_in_a_recorded_scrape_is_rejected(line: str) -> None:
    good = 'http_requests_total{method="GET",path="/models",status="200"} 100.0'
    assert good in recorded(0)
    with pytest.raises(ValueError, match="not a Prometheus text exposition"):
        parse_exposition(recorded(0).replace(good, line))


def test_exposition_timestamps_are_ignored() -> None:
    text = "# TYPE jobs_total counter\njobs_total 3 1767225600000\n"
    assert parse_exposition(text) == [("jobs_total", {}, 3.0)]


# -- counter_increase over the recorded scrapes ------------------------------------


def test_increase_over_the_whole_run_counts_the_reset_and_the_new_series(
    store: SampleStore,
) -> None:
    assert store.counter_increase(REQUESTS, [], T0, END) == {(): 187.0}


def test_increase_grouped_by_status(store: SampleStore) -> None:
    assert store.counter_increase(REQUESTS, [], T0, END, by=("status",)) == {
        ("200",): 180.0,
        ("499",): 2.0,
        ("504",): 1.0,
        ("500",): 4.0,
    }


def test_increase_grouped_by_two_labels_keys_in_the_order_asked(store: SampleStore) -> None:
    result = store.counter_increase(
        REQUESTS, [Matcher("status", "=", "200")], T0, END, by=("status", "path")
    )
    assert result == {
        ("200", "/models"): 130.0,
        ("200", "/models/{model_id}"): 45.0,
        ("200", "/health"): 5.0,
    }


@pytest.mark.parametrize(
    ("matchers", "expected"),
    [
        ([Matcher("status", "=", "499")], {(): 2.0}),
        ([Matcher("status", "=~", "499|504")], {(): 3.0}),
        ([Matcher("status", "=~", "49")], {}),  # anchored: "49" does not match "499"
        ([Matcher("status", "=~", "5..")], {(): 5.0}),
        ([Matcher("status", "!~", "2..")], {(): 7.0}),
        ([Matcher("path", "!=", "/models")], {(): 50.0}),
        ([Matcher("path", "=", "/models"), Matcher("status", "!=", "200")], {(): 7.0}),
        ([Matcher("path", "=~", "/models.*"), Matcher("method", "=", "GET")], {(): 182.0}),
        ([Matcher("gateway", "=", "")], {(): 187.0}),  # missing label matches ""
        ([Matcher("gateway", "!=", "")], {}),
        ([Matcher("gateway", "=~", "all|")], {(): 187.0}),
        ([Matcher("method", "=", "POST")], {}),
    ],
)
def test_matchers_select_series_like_promql(
    store: SampleStore, matchers: list[Matcher], expected: dict[tuple[str, ...], float]
) -> None:
    assert store.counter_increase(REQUESTS, matchers, T0, END) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # base: scrape 2 (160); 10 after the restart counts in full, then +30 +30
        (T0 + 20, END, 70.0),
        # base: scrape 3 at T0+30, the last sample before start
        (T0 + 35, END, 60.0),
        # a start between scrapes uses the scrape just before it, not the one after
        (T0 + 15, T0 + 25, 30.0),
        # no sample before start: the first sample in the window is the base
        (T0 - 100, T0 + 10, 30.0),
        # only one sample in the window, which is also the base
        (T0 + 50, T0 + 50, 0.0),
        (T0 + 50, T0 + 999, 0.0),
    ],
)
def test_increase_of_one_series_uses_the_sample_at_or_before_start_as_base(
    store: SampleStore, start: float, end: float, expected: float
) -> None:
    matchers = [Matcher("path", "=", "/models"), Matcher("status", "=", "200")]
    assert store.counter_increase(REQUESTS, matchers, start, end) == {(): expected}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (T0, 4.0),  # first seen at T0+40 with 3, then 4: counted from 0
        (T0 + 35, 4.0),
        (T0 + 40, 1.0),  # its first sample is now the base
        (T0 + 45, 1.0),
    ],
)
def test_a_series_that_appears_mid_run_starts_from_zero(
    store: SampleStore, start: float, expected: float
) -> None:
    matchers = [Matcher("status", "=", "500")]
    assert store.counter_increase(REQUESTS, matchers, start, END) == {(): expected}


def test_windows_outside_the_data_give_no_series(store: SampleStore) -> None:
    assert store.counter_increase(REQUESTS, [], T0 - 100, T0 - 10) == {}
    assert store.counter_increase(REQUESTS, [], END + 1, END + 100) == {}
    assert store.counter_increase(REQUESTS, [], T0 + 1, T0 + 9) == {}


def test_unknown_metric_gives_no_series(store: SampleStore) -> None:
    assert store.counter_increase("http_requests", [], T0, END) == {}
    assert store.gauge_values("nope", [], T0, END).empty


def test_a_counter_that_never_moved_increases_by_zero_not_by_nothing(store: SampleStore) -> None:
    result = store.counter_increase("read_replica_connection_errors_total", [], T0, END)
    assert result == {(): 0.0}


def test_histogram_bucket_increases_by_le(store: SampleStore) -> None:
    result = store.counter_increase(BUCKETS, [Matcher("path", "=", "/models")], T0, END, by=("le",))
    assert result == {
        ("0.005",): 86.0,
        ("0.01",): 86.0,
        ("0.025",): 86.0,
        ("0.05",): 117.0,
        ("0.1",): 117.0,
        ("0.2",): 127.0,
        ("0.5",): 129.0,
        ("1.0",): 129.0,
        ("2.5",): 129.0,
        ("5.0",): 129.0,
        ("+Inf",): 130.0,
    }
    count = store.counter_increase("http_request_duration_seconds_count", [], T0, END)
    assert count == {(): 130.0}


def test_a_fractional_counter_resets_exactly(store: SampleStore) -> None:
    result = store.counter_increase(
        "connection_pool_busy_seconds_total", [], T0, END, by=("client_type",)
    )
    # primary: +4 +6, restart at 0, +2 +4; replica: +1.25 +1.5, 0, +0.5 +1
    assert result == {("primary",): 16.0, ("replica",): 4.25}


def test_end_before_start_is_an_error(store: SampleStore) -> None:
    with pytest.raises(ValueError, match="before its start"):
        store.counter_increase(REQUESTS, [], END, T0)


# -- gauge_values --------------------------------------------------------------------


def test_gauge_values_by_group_with_a_series_missing_from_one_scrape(store: SampleStore) -> None:
    frame = store.gauge_values(UTILIZATION, [], T0, END, by=("client_type",))
    assert list(frame.columns) == ["ts", "primary", "replica"]
    assert frame["ts"].tolist() == [T0 + 10 * k for k in range(6)]
    assert frame["primary"].tolist() == [0.25, 0.5, 0.75, 0.0, 0.25, 0.5]
    replica = frame["replica"].tolist()
    assert math.isnan(replica[3])
    assert replica[:3] + replica[4:] == [0.125, 0.375, 0.5, 0.125, 0.25]


def test_gauge_values_without_by_sums_the_series_present_at_each_scrape(
    store: SampleStore,
) -> None:
    frame = store.gauge_values(UTILIZATION, [], T0 + 10, T0 + 30)
    expected = pd.DataFrame({"ts": [T0 + 10, T0 + 20, T0 + 30], "value": [0.875, 1.25, 0.0]})
    pd.testing.assert_frame_equal(frame, expected)


def test_gauge_values_with_a_regex_matcher(store: SampleStore) -> None:
    frame = store.gauge_values(
        "connection_pool_size", [Matcher("client_type", "=~", "prim.*")], T0, T0 + 20
    )
    assert frame["value"].tolist() == [5.0, 5.0, 5.0]


def test_gauge_values_with_no_match_is_an_empty_frame_with_the_columns(
    store: SampleStore,
) -> None:
    frame = store.gauge_values(UTILIZATION, [Matcher("client_type", "=", "cache")], T0, END)
    assert frame.empty
    assert list(frame.columns) == ["ts", "value"]
    by_frame = store.gauge_values(UTILIZATION, [], END + 1, END + 2, by=("client_type",))
    assert by_frame.empty
    assert list(by_frame.columns) == ["ts"]


def test_a_nan_gauge_sample_makes_its_sum_nan() -> None:
    store = SampleStore()
    store.add_samples(T0, [("ratio", {"a": "1"}, 0.5), ("ratio", {"a": "2"}, math.nan)])
    store.add_samples(T0 + 1, [("ratio", {"a": "1"}, 0.5), ("ratio", {"a": "2"}, 0.25)])
    values = store.gauge_values("ratio", [], T0, T0 + 1)["value"].tolist()
    assert math.isnan(values[0])
    assert values[1] == 0.75


# -- add_samples and the store's rules ---------------------------------------------


def counter_store(*scrapes: tuple[float, float | None]) -> SampleStore:
    """A store with one counter ``c`` (None: scraped, but the series was absent)."""
    store = SampleStore()
    for ts, value in scrapes:
        store.add_samples(ts, [] if value is None else [("c", {}, value)])
    return store


def test_a_series_absent_from_an_earlier_successful_scrape_counts_from_zero() -> None:
    store = counter_store((T0, None), (T0 + 1, 100.0), (T0 + 2, 110.0))
    assert store.counter_increase("c", [], T0, T0 + 2) == {(): 110.0}


def test_a_series_present_at_the_first_scrape_starts_from_its_first_value() -> None:
    store = counter_store((T0, 100.0), (T0 + 1, 110.0))
    assert store.counter_increase("c", [], T0, T0 + 1) == {(): 10.0}


def test_a_failed_scrape_does_not_make_later_series_new() -> None:
    store = SampleStore()
    store.add_failed_scrape(T0, extra=[("up", {}, 0.0)])
    store.add_samples(T0 + 1, [("c", {}, 100.0), ("up", {}, 1.0)])
    store.add_samples(T0 + 2, [("c", {}, 110.0), ("up", {}, 1.0)])
    assert store.counter_increase("c", [], T0, T0 + 2) == {(): 10.0}
    assert store.gauge_values("up", [], T0, T0 + 2)["value"].tolist() == [0.0, 1.0, 1.0]
    assert store.time_range() == (T0, T0 + 2)


def test_a_counter_that_vanishes_and_returns_lower_is_a_reset() -> None:
    store = counter_store((T0, 50.0), (T0 + 1, None), (T0 + 2, 7.0), (T0 + 3, 9.0))
    assert store.counter_increase("c", [], T0, T0 + 3) == {(): 9.0}
    # the base is the last sample at or before start, however old
    assert store.counter_increase("c", [], T0 + 1, T0 + 3) == {(): 9.0}


def test_several_resets_in_one_window_each_count_in_full() -> None:
    store = counter_store(*[(T0 + i, v) for i, v in enumerate([5.0, 8.0, 2.0, 4.0, 1.0, 1.0, 3.0])])
    # +3, reset 2, +2, reset 1, 0, +2
    assert store.counter_increase("c", [], T0, T0 + 6) == {(): 10.0}
    assert store.counter_increase("c", [], T0 + 3, T0 + 5) == {(): 1.0}


def test_scrapes_added_out_of_order_give_the_same_answer() -> None:
    values = [5.0, 8.0, 2.0, 4.0]
    in_order = counter_store(*[(T0 + i, v) for i, v in enumerate(values)])
    shuffled = counter_store(*[(T0 + i, values[i]) for i in (2, 0, 3, 1)])
    for start, end in [(T0, T0 + 3), (T0 + 1, T0 + 2), (T0 + 0.5, T0 + 3)]:
        assert shuffled.counter_increase("c", [], start, end) == in_order.counter_increase(
            "c", [], start, end
        )
    assert shuffled.time_range() == (T0, T0 + 3)


def test_samples_at_an_existing_timestamp_join_that_scrape_and_the_last_value_wins() -> None:
    store = SampleStore()
    store.add_samples(T0, [("c", {}, 1.0)])
    store.add_samples(T0, [("c", {}, 2.0), ("g", {}, 3.0)])
    store.add_samples(T0 + 1, [("c", {}, 5.0)])
    assert store.counter_increase("c", [], T0, T0 + 1) == {(): 3.0}
    assert store.gauge_values("c", [], T0, T0 + 1)["ts"].tolist() == [T0, T0 + 1]


def test_an_empty_label_value_is_the_same_as_no_label() -> None:
    store = SampleStore()
    store.add_samples(T0, [("c", {"path": "", "status": "200"}, 1.0)])
    store.add_samples(T0 + 1, [("c", {"status": "200"}, 4.0)])
    assert store.series_labels("c") == [{"status": "200"}]
    assert store.counter_increase("c", [], T0, T0 + 1) == {(): 3.0}


def test_queries_see_samples_added_after_an_earlier_query() -> None:
    store = counter_store((T0, 1.0), (T0 + 1, 2.0))
    assert store.counter_increase("c", [], T0, T0 + 10) == {(): 1.0}
    store.add_samples(T0 + 2, [("c", {}, 6.0)])
    assert store.counter_increase("c", [], T0, T0 + 10) == {(): 5.0}


def test_non_finite_timestamps_are_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        SampleStore().add_samples(math.nan, [("c", {}, 1.0)])


def test_concurrent_writers_and_readers_lose_no_sample() -> None:
    store = SampleStore()
    writers = 4
    per_writer = 250

    def write(w: int) -> None:
        for i in range(per_writer):
            ts = T0 + i * writers + w
            store.add_samples(ts, [("c", {"w": str(w)}, float(i))])
            if i % 50 == 0:
                store.counter_increase("c", [], T0, ts)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = store.counter_increase("c", [], T0, T0 + writers * per_writer, by=("w",))
    assert result == {(str(w),): float(per_writer - 1) for w in range(writers)}
    frame = store.gauge_values("c", [], T0, T0 + writers * per_writer)
    assert len(frame) == writers * per_writer
    assert np.array_equal(frame["ts"].to_numpy(), T0 + np.arange(writers * per_writer))


# -- Matcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matcher", "labels", "expected"),
    [
        (Matcher("path", "=", "/models"), {"path": "/models"}, True),
        (Matcher("path", "=", "/models"), {"path": "/models/x"}, False),
        (Matcher("path", "!=", "/models"), {}, True),
        (Matcher("path", "=~", "/models"), {"path": "/models/x"}, False),
        (Matcher("path", "=~", "/models|/health"), {"path": "/health"}, True),
        (Matcher("path", "=~", "/mod"), {"path": "/models"}, False),
        (Matcher("path", "=~", ".*"), {}, True),
        (Matcher("path", "=~", ".+"), {}, False),
        (Matcher("path", "!~", "/models.*"), {"path": "/health"}, True),
        (Matcher("path", "!~", "/models.*"), {"path": "/models/{model_id}"}, False),
    ],
)
def test_matcher_semantics(matcher: Matcher, labels: dict[str, str], expected: bool) -> None:
    assert matcher.matches(labels) is expected


def test_matcher_rejects_an_unknown_operator() -> None:
    with pytest.raises(ValueError, match="operator must be one of"):
        Matcher("path", "==", "/models")


def test_matcher_rejects_an_invalid_regex_naming_it() -> None:
    with pytest.raises(ValueError, match=r"path=~'\(/models': invalid regex"):
        Matcher("path", "=~", "(/models")
