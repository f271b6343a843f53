from __future__ import annotations

import pytest

from scenarios.plans import SHAPES, ShapeParams, ShapePlan, Stage, build_plan


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_judges_only_after_its_warmup(name: str) -> None:
    plan = build_plan(name)
    assert plan.steady_start >= plan.warmup
    if plan.steady_end is not None:
        assert plan.steady_start < plan.steady_end <= plan.duration


def test_ramp_steps_up_to_the_peak_and_judges_the_hold() -> None:
    plan = build_plan("ramp", ShapeParams(peak_users=50, hold=60))
    users = [stage.users for stage in plan.stages]
    assert users == sorted(users) and users[-1] == 50
    assert plan.stage_at(plan.steady_start + 1).users == 50  # type: ignore[union-attr]
    assert plan.steady_end == plan.duration


def test_ab_stops_on_the_guides_request_count() -> None:
    plan = build_plan("ab")
    assert plan.max_requests == 1000
    assert plan.stages[0].users == 50
    assert plan.stages[0].user_classes == ("AbUser",)
    assert plan.steady_end is None


def test_stage_at_returns_none_once_the_plan_is_over() -> None:
    plan = build_plan("smoke")
    assert plan.stage_at(0) is not None
    assert plan.stage_at(plan.duration + 0.1) is None


def test_an_unknown_shape_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="smoke, ab, ramp, soak, spike"):
        build_plan("wave")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stages": ()}, "no stages"),
        ({"steady_start": 0.5}, "inside the warm-up"),
        ({"steady_end": 1.0}, "steady phase is empty"),
        ({"steady_end": 99.0}, "outlasts the stages"),
    ],
)
def test_an_inconsistent_plan_is_rejected(change: dict[str, object], message: str) -> None:
    good: dict[str, object] = {
        "name": "x",
        "description": "x",
        "stages": (Stage(duration=10, users=1, spawn_rate=1),),
        "warmup": 1.0,
        "steady_start": 2.0,
        "steady_end": 10.0,
    }
    with pytest.raises(ValueError, match=message):
        ShapePlan(**{**good, **change})  # type: ignore[arg-type]


def test_a_time_scale_shrinks_every_duration_of_a_shape() -> None:
    full = build_plan("ramp")
    quick = build_plan("ramp", ShapeParams(time_scale=0.1))
    assert quick.duration == pytest.approx(full.duration * 0.1)
    assert quick.steady_start == pytest.approx(full.steady_start * 0.1)
    assert [s.users for s in quick.stages] == [s.users for s in full.stages]


def test_a_non_positive_time_scale_is_rejected() -> None:
    with pytest.raises(ValueError, match="time scale must be positive"):
        build_plan("smoke", ShapeParams(time_scale=0))


def test_the_ab_request_count_can_be_changed_like_ab_n() -> None:
    assert build_plan("ab", ShapeParams(requests=20_000)).max_requests == 20_000
