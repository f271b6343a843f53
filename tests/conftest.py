"""The suite's one rule about process state: importing Locust gevent-patches the process.

Three unit-test modules import Locust in-process (the gate's end of run, Locust's own
statistics, its argument parser). Under pytest-xdist the patch would reach the worker's
own threads and wedge it, so a worker never collects them; `make test` runs them in a
plain pytest process after the parallel run (see the Makefile and README's Tests).
"""

from __future__ import annotations

import os

#: Relative to this directory; run by `make test` without xdist.
LOCUST_IMPORTERS = (
    "unit/scenarios/test_gate_end.py",
    "unit/slo/test_locust_json.py",
    "unit/test_examples_distributed.py",
)

collect_ignore = list(LOCUST_IMPORTERS) if os.environ.get("PYTEST_XDIST_WORKER") else []
