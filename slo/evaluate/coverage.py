"""Scrape coverage: whether the metric source holds samples for the whole judged window.

A counter's increase over ``[start, end]`` is right even when Prometheus was down for part
of the window: the counter kept counting. But a gap hides *when* things happened, a gauge's
peak inside it, and whether the target answered at all; a pass over a window the source
only partly saw is a pass on missing data. So before judging, the engine asks the source
how many scrapes each part of the window holds: samples of ``up``, which Prometheus (and
the embedded scraper) record for every scrape, answered or not, so a target that was down
(a restart, a crash) is not a gap but data the availability objectives judge; a source
without ``up`` is read by the target's request counter instead.

The window is cut into slices of about four scrapes each (from the window's own sample
count, so no scrape interval has to be known); a slice is covered when it holds at least
half the samples a typical full slice holds (the 90th percentile of the slices; of ten
slices or fewer, the fullest).
Objectives read from the server that would pass (or warn) become inconclusive when less
than ``MIN_COVERAGE`` of the window is covered; a failure stays a failure, since it was
measured on the samples that are there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slo.metrics import HTTP_REQUESTS, UP
from slo.query import OverTime, RawSample
from slo.sources import QuerySource
from slo.spec import Resolver, Selector
from slo.timeutil import format_duration

__all__ = ["MIN_COVERAGE", "Coverage", "scrape_coverage"]

#: The share of the window's slices that must hold samples for a pass to stand.
MIN_COVERAGE = 0.9
#: Fewer samples than this over the window: too few to tell a gap from the scrape interval.
MIN_SAMPLES = 8
#: Samples per slice aimed at, and the most slices asked for (one range query).
PER_SLICE, MAX_SLICES = 4, 30


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """How much of the window the source saw: covered slices and the longest gap."""

    fraction: float
    slices: int
    slice_seconds: float
    longest_gap_s: float
    samples: int

    @property
    def enough(self) -> bool:
        return self.fraction >= MIN_COVERAGE

    def reason(self, source: str) -> str:
        """Why a pass cannot stand on this window."""
        return (
            f"{source} holds samples for only {self.fraction:.0%} of the window "
            f"(longest gap about {format_duration(round(self.longest_gap_s))}; "
            f"{MIN_COVERAGE:.0%} needed): a pass cannot be claimed on missing data"
        )


def _most(samples: list[RawSample]) -> float:
    return max((s.value for s in samples), default=0.0)


def scrape_coverage(
    source: QuerySource, resolver: Resolver, start: float, end: float
) -> Coverage | None:
    """The source's coverage of ``[start, end]``; None when it holds too few samples to
    tell (the objectives then judge what is there, or say it is missing)."""
    for metric in (UP, HTTP_REQUESTS):
        selector = resolver.resolve(Selector(metric=metric))
        count = OverTime(selector=selector, aggregation="count")
        samples = int(_most(source.read(count, start, end)))
        if samples >= MIN_SAMPLES:
            break
    else:
        return None
    n = min(MAX_SLICES, samples // PER_SLICE)
    size = round((end - start) / n, 3)  # whole milliseconds, as PromQL writes them
    ends = [start + size * (i + 1) for i in range(n)]
    counts = [_most(found) for found in source.read_slices(count, ends, size)]
    typical = sorted(counts)[math.ceil(0.9 * (n - 1))]  # of ten slices or fewer: the fullest
    # No slice answering at all, though the window holds samples, is no coverage either.
    covered = [c > 0 and c >= 0.5 * typical for c in counts]
    longest = run = 0
    for ok in covered:
        run = 0 if ok else run + 1
        longest = max(longest, run)
    return Coverage(
        fraction=sum(covered) / n,
        slices=n,
        slice_seconds=size,
        longest_gap_s=longest * size,
        samples=samples,
    )
