"""The SLO engine: a versioned criteria spec, SLIs written once, data sources, verdicts.

Public entry points: :func:`slo.spec.load_spec`, :func:`slo.evaluate.evaluate`, and the
``slo`` command line (:mod:`slo.cli`).
"""

from __future__ import annotations

__all__: list[str] = []
