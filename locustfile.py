"""Pre-promotion load test of the catalog API, judged by the SLO gate.

    locust -f locustfile.py --headless --host http://127.0.0.1:8000 \
        --shape ramp --slo-profile staging --prometheus-url http://127.0.0.1:9090

The gate's options are defined in scenarios/options.py; `locust -f locustfile.py
--slo-help` prints them and exits 0 (Locust prints `--help` before it imports this file,
so its help cannot show them).
"""

from locust import events

from scenarios.gate import SloGate
from scenarios.load_shape import CatalogShape
from scenarios.users import AbUser, CatalogUser, HealthChecker

__all__ = ["AbUser", "CatalogShape", "CatalogUser", "HealthChecker"]

SloGate().register(events)
