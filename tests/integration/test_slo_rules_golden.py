"""The rules' SLI expressions give the gate's numbers: on a real Prometheus holding the
golden datasets, each recorded expression, evaluated at the window's end, equals what
``slo check`` measures over that window (or, like the gate, has no value)."""

from __future__ import annotations

import math
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import T0, WINDOW, build_datasets
from slo_prometheus import run_prometheus

from slo.slis import SliDef, build_sli
from slo.sources import PrometheusConfig, PrometheusSource
from slo.spec import Resolver, default_spec_path, load_spec

SPEC = load_spec(default_spec_path())
HOURS = {"healthy": 0, "failing": 1, "sparse": 2, "edge": 3, "cache_off": 4}
CASES = [
    (dataset, profile, objective.id)
    for dataset in HOURS
    for profile in ("staging", "production")
    for objective in SPEC.profiles[profile].objectives
    if objective.sli.kind != "client"
]


@pytest.fixture(scope="module")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-rules-golden-") as tmp:
        yield from run_prometheus(Path(tmp), build_datasets())


@pytest.mark.parametrize(("dataset", "profile", "objective_id"), CASES)
def test_the_rule_expression_equals_the_gates_measurement(
    prometheus_url: str, dataset: str, profile: str, objective_id: str
) -> None:
    objective = next(o for o in SPEC.profiles[profile].objectives if o.id == objective_id)
    sli = build_sli(objective.sli, Resolver(SPEC.metrics))
    assert isinstance(sli, SliDef)
    start = T0 + HOURS[dataset] * 3600
    end = start + WINDOW
    raw, _ = PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=5)).fetch(
        sli, start, end
    )
    gate = sli.measure(raw, duration=WINDOW).value
    response = httpx.get(
        f"{prometheus_url}/api/v1/query",
        params={"query": sli.expression("10m").value, "time": end},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    result = response.json()["data"]["result"]
    values = [float(sample["value"][1]) for sample in result]
    if gate is None or math.isnan(gate):
        assert values == [] or all(math.isnan(v) for v in values)
    else:
        assert values == [pytest.approx(gate, rel=1e-9, abs=1e-12)]
