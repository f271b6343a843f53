"""Load shapes, each a plan of stages that declares its own judged window.

A shape is data (`ShapePlan`): the stages Locust steps through, the warm-up
that must never be judged, and the steady-state phase the SLO gate judges.
`CatalogShape` is the one `LoadTestShape` the locustfile exposes; it plays
whichever plan `--shape` names, so the choice is an option, not a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = [
    "SHAPES",
    "ShapeParams",
    "ShapePlan",
    "Stage",
    "build_plan",
]


# The users of a browsing stage: people on the catalog plus one health probe.
BROWSING = ("CatalogUser", "HealthChecker")


@dataclass(frozen=True, kw_only=True)
class Stage:
    """Hold `users` users (reached at `spawn_rate` per second) for `duration` seconds."""

    duration: float
    users: int
    spawn_rate: float
    user_classes: tuple[str, ...] = BROWSING  # names of the locustfile's user classes


@dataclass(frozen=True, kw_only=True)
class ShapePlan:
    """A load shape: stages, the warm-up, and the steady-state phase to judge.

    Offsets are seconds from the start of the run. `steady_end=None` means the
    steady phase lasts until the run stops (the `ab` shape stops on a request
    count, not a clock). `max_requests` stops the run after that many requests.
    """

    name: str
    description: str
    stages: tuple[Stage, ...]
    warmup: float
    steady_start: float
    steady_end: float | None
    max_requests: int | None = None

    def __post_init__(self) -> None:
        if not self.stages:
            raise ValueError(f"shape {self.name}: no stages")
        if self.steady_start < self.warmup:
            raise ValueError(f"shape {self.name}: steady phase starts inside the warm-up")
        if self.steady_end is not None and self.steady_end <= self.steady_start:
            raise ValueError(f"shape {self.name}: steady phase is empty")
        if self.steady_end is not None and self.steady_end > self.duration:
            raise ValueError(f"shape {self.name}: steady phase outlasts the stages")

    @property
    def duration(self) -> float:
        return sum(stage.duration for stage in self.stages)

    def stage_at(self, run_time: float) -> Stage | None:
        """The stage in force `run_time` seconds into the run, None once it is over."""
        elapsed = 0.0
        for stage in self.stages:
            elapsed += stage.duration
            if run_time < elapsed:
                return stage
        return None


@dataclass(frozen=True, kw_only=True)
class ShapeParams:
    """Knobs the user may turn from the command line (`--peak-users`, `--hold`)."""

    peak_users: int | None = None
    hold: float | None = None
    time_scale: float = 1.0  # multiplies every duration (quick trials, the test suite)
    requests: int | None = None  # the ab shape's request count (ab -n)


def _smoke(p: ShapeParams) -> ShapePlan:
    users = p.peak_users or 3
    hold = p.hold or 10.0
    return ShapePlan(
        name="smoke",
        description=f"{users} users for {hold:g} s: does everything answer?",
        stages=(Stage(duration=hold + 2.0, users=users, spawn_rate=users),),
        warmup=2.0,
        steady_start=2.0,
        steady_end=hold + 2.0,
    )


def _ab(p: ShapeParams) -> ShapePlan:
    users = p.peak_users or 50
    requests = p.requests or 1000
    return ShapePlan(
        name="ab",
        description=(
            f"the guide's Step 4 (`ab -n {requests} -c {users}`): {requests} requests of "
            f"/models?limit=10 from {users} users with no think time"
        ),
        stages=(
            Stage(
                duration=p.hold or 120.0, users=users, spawn_rate=users, user_classes=("AbUser",)
            ),
        ),
        warmup=0.0,
        steady_start=0.0,
        steady_end=None,
        max_requests=requests,
    )


def _ramp(p: ShapeParams) -> ShapePlan:
    peak = p.peak_users or 50
    hold = p.hold or 60.0
    step_duration = 15.0
    steps = 5
    stages = [
        Stage(duration=step_duration, users=max(1, round(peak * i / steps)), spawn_rate=peak / 5)
        for i in range(1, steps)
    ]
    stages.append(Stage(duration=step_duration + hold, users=peak, spawn_rate=peak / 5))
    ramp_end = step_duration * steps
    return ShapePlan(
        name="ramp",
        description=f"steps of {peak // steps} users every {step_duration:g} s up to "
        f"{peak}, then hold {hold:g} s; the hold at peak is judged",
        stages=tuple(stages),
        warmup=step_duration,
        steady_start=ramp_end,
        steady_end=ramp_end + hold,
    )


def _soak(p: ShapeParams) -> ShapePlan:
    users = p.peak_users or 30
    hold = p.hold or 1800.0
    return ShapePlan(
        name="soak",
        description=f"{users} users held for {hold:g} s after a 60 s warm-up",
        stages=(Stage(duration=60.0 + hold, users=users, spawn_rate=max(1.0, users / 30)),),
        warmup=60.0,
        steady_start=60.0,
        steady_end=60.0 + hold,
    )


def _spike(p: ShapeParams) -> ShapePlan:
    peak = p.peak_users or 100
    base = max(1, peak // 10)
    hold = p.hold or 20.0
    return ShapePlan(
        name="spike",
        description=f"{base} users, a spike to {peak} for {hold:g} s, back to {base}; "
        "the spike and the recovery are judged",
        stages=(
            Stage(duration=30.0, users=base, spawn_rate=base),
            Stage(duration=hold, users=peak, spawn_rate=peak),
            Stage(duration=30.0, users=base, spawn_rate=peak),
        ),
        warmup=15.0,
        steady_start=15.0,
        steady_end=60.0 + hold,
    )


SHAPES: dict[str, Callable[[ShapeParams], ShapePlan]] = {
    "smoke": _smoke,
    "ab": _ab,
    "ramp": _ramp,
    "soak": _soak,
    "spike": _spike,
}


def build_plan(name: str, params: ShapeParams | None = None) -> ShapePlan:
    """The plan of the shape `name`; a clear error naming the valid shapes otherwise."""
    try:
        factory = SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown shape {name!r}; expected one of {', '.join(SHAPES)}") from None
    params = params or ShapeParams()
    if params.time_scale <= 0:
        raise ValueError(f"time scale must be positive, got {params.time_scale:g}")
    return _scaled(factory(params), params.time_scale)


def _scaled(plan: ShapePlan, factor: float) -> ShapePlan:
    if factor == 1.0:
        return plan
    return replace(
        plan,
        description=f"{plan.description} (durations x{factor:g})",
        stages=tuple(replace(s, duration=s.duration * factor) for s in plan.stages),
        warmup=plan.warmup * factor,
        steady_start=plan.steady_start * factor,
        steady_end=None if plan.steady_end is None else plan.steady_end * factor,
    )
