"""The gate says when the warm-up ends and when the judged window starts and ends."""

from __future__ import annotations

from scenarios.plans import ShapeParams, build_plan
from scenarios.progress import Milestone, milestones, stopped_early


def test_a_ramp_says_its_warm_up_then_the_start_and_end_of_its_judged_hold() -> None:
    assert milestones(build_plan("ramp")) == [
        Milestone(at=15.0, message="warm-up over after 15 s (never judged)"),
        Milestone(
            at=75.0,
            message="judged window starts 75 s into the run; it ends 135 s in (60 s judged)",
        ),
        Milestone(
            at=135.0,
            message="judged window ended 135 s into the run; "
            "the verdict follows when the run stops",
        ),
    ]


def test_a_longer_warmup_moves_the_start_of_the_judged_window() -> None:
    plan = build_plan("smoke", ShapeParams(hold=28))
    found = milestones(plan, warmup=12)
    assert [(m.at, m.message.split(";")[0]) for m in found] == [
        (12.0, "warm-up over after 12 s (never judged)"),
        (12.0, "judged window starts 12 s into the run"),
        (30.0, "judged window ended 30 s into the run"),
    ]


def test_the_ab_shape_is_judged_from_its_first_request_until_it_stops() -> None:
    assert milestones(build_plan("ab")) == [
        Milestone(
            at=0.0,
            message="judged window starts 0 s into the run; it ends when the run stops (shape ab)",
        )
    ]


def test_a_run_stopped_before_its_judged_window_ended_says_so() -> None:
    plan = build_plan("ramp")
    assert stopped_early(plan, ran=100.4) == (
        "the run stopped 100 s in, before the judged window's planned end (135 s in): "
        "judging up to then"
    )
    assert stopped_early(plan, ran=136.0) is None
    assert stopped_early(build_plan("ab"), ran=5.0) is None
