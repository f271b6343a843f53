"""The judged window and its slices."""

from __future__ import annotations

import math
from dataclasses import dataclass

from slo.timeutil import format_duration, iso


@dataclass(frozen=True, kw_only=True)
class Window:
    """``[start, end]`` in unix seconds."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end)) or self.end <= self.start:
            raise ValueError(
                f"expected a window whose end is after its start, got {iso(self.start)} .. "
                f"{iso(self.end) if math.isfinite(self.end) else self.end}"
            )

    @classmethod
    def last(cls, duration: float, *, now: float) -> Window:
        return cls(start=now - duration, end=now)

    @property
    def duration(self) -> float:
        return self.end - self.start

    def slice_ends(self, size: float) -> list[float]:
        """Ends of the whole slices of ``size`` seconds laid from the start (a remainder
        shorter than one slice is not judged)."""
        count = int((self.duration + 1e-6) // size)
        return [self.start + (i + 1) * size for i in range(count)]

    def describe(self) -> str:
        return f"{iso(self.start)} .. {iso(self.end)} ({format_duration(round(self.duration))})"
