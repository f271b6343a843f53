"""Fault drills on Chaos Toolkit: one fault each, under load, judged by the harness.

Each drill is an experiment file in `experiments/`: its steady-state hypothesis is the
harness (the catalog answers, `slo preflight`, `slo check` of `criteria.yaml`'s
`users-served`), its method runs Locust with the SLO gate and the escalation watch and
`slo watch --profile escalation` in the background and injects one fault (`faults.py`)
at a recorded time, its rollbacks restore the stack, and its `slo-harness-drill`
extension lists the expectations the runner checks. `make drills` runs them all
(`python -m examples.drills`); docs/drills.md explains them and how to point them at
another staging.
"""

from __future__ import annotations

from .report import write_summary
from .runner import DrillOptions, experiment_files, run_drill

__all__ = ["DrillOptions", "experiment_files", "run_drill", "write_summary"]
