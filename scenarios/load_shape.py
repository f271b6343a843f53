"""`CatalogShape`: the one Locust load shape, playing the plan `--shape` names.

The shape runs on the master (or the local runner). It remembers when the run
started so the gate can turn the plan's steady-state offsets into wall-clock
times, and it stops the run when the plan's stages end, for `ab` once the
plan's request count has been sent, and at once when the gate aborted
(preflight failed): then no user is ever started.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from locust import LoadTestShape

from scenarios.plans import ShapeParams, ShapePlan, build_plan

__all__ = ["CatalogShape", "plan_from_options"]

log = logging.getLogger(__name__)


def plan_from_options(options: Any) -> ShapePlan:
    """The plan chosen by `--shape`, `--peak-users`, `--hold`, `--time-scale`."""
    return build_plan(
        getattr(options, "shape", None) or "smoke",
        ShapeParams(
            peak_users=getattr(options, "peak_users", None),
            hold=getattr(options, "hold", None),
            time_scale=getattr(options, "time_scale", None) or 1.0,
            requests=getattr(options, "requests", None),
        ),
    )


class CatalogShape(LoadTestShape):
    """Steps through the chosen `ShapePlan`, then stops the run."""

    def __init__(self) -> None:
        super().__init__()
        self.started_at = time.time()
        self._plan: ShapePlan | None = None

    def reset_time(self) -> None:
        super().reset_time()
        self.started_at = time.time()

    @property
    def plan(self) -> ShapePlan:
        if self._plan is None:
            options = getattr(getattr(self.runner, "environment", None), "parsed_options", None)
            self._plan = plan_from_options(options)
        return self._plan

    def tick(self) -> tuple[int, float] | tuple[int, float, list[Any]] | None:
        runner = self.runner
        gate = getattr(getattr(runner, "environment", None), "slo_gate", None)
        if getattr(gate, "abort_code", None) is not None:
            return None  # preflight or the gate's options failed: no load at all
        plan = self.plan
        if plan.max_requests is not None and runner is not None:
            # Checked once per tick (a second): the run overshoots by at most
            # a second's worth of requests.
            sent = runner.stats.total.num_requests
            if sent >= plan.max_requests:
                return None
        stage = plan.stage_at(self.get_run_time())
        if stage is None:
            return None
        if runner is None:
            return stage.users, stage.spawn_rate
        by_name = runner.user_classes_by_name
        missing = [name for name in stage.user_classes if name not in by_name]
        if missing:
            # A locustfile that does not expose the shape's users: stop, don't idle.
            log.error(
                "shape %s needs user classes %s; the locustfile lacks them", plan.name, missing
            )
            return None
        return stage.users, stage.spawn_rate, [by_name[name] for name in stage.user_classes]
