"""What the gate says while the run goes: the end of the warm-up, and the start and end of
the judged window, each logged when it happens (offsets from the start of the run).

Plain data from the shape's plan (`milestones`); the gate sleeps to each one in a
greenlet and logs it (`gate.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.plans import ShapePlan

__all__ = ["Milestone", "milestones", "stopped_early"]


@dataclass(frozen=True, kw_only=True)
class Milestone:
    """Log `message` `at` seconds into the run."""

    at: float
    message: str


def milestones(plan: ShapePlan, *, warmup: float | None = None) -> list[Milestone]:
    """The run's milestones in time order (`warmup` may only lengthen the shape's own,
    as in `judging.judged_window`)."""
    warm = max(plan.warmup, warmup or 0.0)
    start = max(plan.steady_start, warm)
    found: list[Milestone] = []
    if warm > 0:
        found.append(Milestone(at=warm, message=f"warm-up over after {warm:g} s (never judged)"))
    if plan.steady_end is None:
        found.append(
            Milestone(
                at=start,
                message=f"judged window starts {start:g} s into the run; it ends when the "
                f"run stops (shape {plan.name})",
            )
        )
        return found
    found.append(
        Milestone(
            at=start,
            message=f"judged window starts {start:g} s into the run; it ends "
            f"{plan.steady_end:g} s in ({plan.steady_end - start:g} s judged)",
        )
    )
    found.append(
        Milestone(
            at=plan.steady_end,
            message=f"judged window ended {plan.steady_end:g} s into the run; the verdict "
            "follows when the run stops",
        )
    )
    return found


def stopped_early(plan: ShapePlan, *, ran: float) -> str | None:
    """What to say when a run that lasted `ran` seconds stopped before its judged window's
    planned end (None: it did not)."""
    if plan.steady_end is None or ran >= plan.steady_end:
        return None
    return (
        f"the run stopped {ran:.0f} s in, before the judged window's planned end "
        f"({plan.steady_end:g} s in): judging up to then"
    )
