"""The shipped criteria, the committed JSON Schema and the backend mappings."""

from __future__ import annotations

import json
import re
from pathlib import Path

from slo.metrics import CONTRACT
from slo.slis import SliDef, build_sli
from slo.spec import Resolver, default_spec_path, load_mapping, load_spec, spec_schema
from slo.spec.schema import SCHEMA_PATH

MAPPINGS = default_spec_path().parent / "mappings"


def test_the_committed_json_schema_equals_the_models_schema() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == spec_schema()


def test_the_shipped_profiles_hold_the_issue_s_objective_ids() -> None:
    spec = load_spec(default_spec_path())
    ids = {name: [o.id for o in p.objectives] for name, p in spec.profiles.items()}
    assert ids["load-test"] == ["throughput_rps", "mean_latency", "failed_requests"]
    assert ids["staging"] == [
        "cache_hit_rate",
        "latency_p95",
        "primary_pool_utilization",
        "replica_pool_utilization",
        "timeout_error_rate",
        "error_rate_increase",
        "no_timeout_errors_48h",
    ]
    assert ids["production"] == [
        "cache_hit_rate",
        "latency_p95",
        "primary_pool_utilization",
        "replica_query_share",
        "uptime",
    ]
    assert set(ids["month1"]) == set(ids["staging"]) - {"no_timeout_errors_48h"} | {
        "replica_query_share",
        "uptime",
    }
    assert [a.id for a in spec.profiles["month1"].attestations] == [
        "zero_emergency_rollbacks",
        "user_reported_improvements",
        "database_costs",
    ]


def test_every_month1_metric_objective_but_the_baseline_is_sustained_for_30_days() -> None:
    month1 = load_spec(default_spec_path()).profiles["month1"]
    windows = {o.id: o.sustained.min_window if o.sustained else None for o in month1.objectives}
    assert windows.pop("error_rate_increase") is None
    assert set(windows.values()) == {"30d"}


def test_the_gatewayz_mapping_renames_pool_and_http_labels() -> None:
    spec = load_spec(default_spec_path())
    resolver = Resolver().merged(load_mapping(MAPPINGS / "gatewayz-backend.yaml").metrics)
    pool = build_sli(spec.profiles["staging"].objectives[2].sli, resolver)
    p95 = build_sli(spec.profiles["staging"].objectives[1].sli, resolver)
    assert isinstance(pool, SliDef) and isinstance(p95, SliDef)
    fallback = pool.queries(window="5m", at=None)["fallback"]
    assert fallback == 'avg_over_time(connection_pool_utilization_ratio{pool_name="primary"}[5m])'
    assert 'endpoint="/models"' in p95.queries(window="5m", at=None)["buckets"]


def test_default_names_are_the_design_contract() -> None:
    assert CONTRACT["cache_hits"].name == "catalog_cache_hits_total"
    assert CONTRACT["pool_busy_seconds"].name == "connection_pool_busy_seconds_total"


# The team's guide, kept verbatim beside the docs so this test always runs.
GUIDE = Path(__file__).resolve().parents[3] / "docs" / "seed" / "phase1-deployment-guide.md"


READING = re.compile(r" \(read as: [^)]*\)$")


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8").replace("**", "")


def test_every_description_quotes_the_guide() -> None:
    guide = _guide()
    spec = load_spec(default_spec_path())
    prefix = "All metrics sustained for 30 days: "
    for profile in spec.profiles.values():
        items = [*profile.objectives, *profile.attestations]
        for item in items:
            # A reading the guide leaves open follows its words: "... (read as: ...)".
            text = READING.sub("", item.description.removeprefix(prefix))
            assert text in guide, f"{item.id}: {text!r} is not the guide's wording"


def test_the_readme_names_every_shipped_profile() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    spec = load_spec(default_spec_path())
    missing = [name for name in spec.profiles if f"`{name}`" not in readme]
    assert not missing, f"README.md does not name the profiles {missing}"


def test_the_escalation_profile_holds_the_guides_four_rollback_criteria() -> None:
    spec = load_spec(default_spec_path())
    words = [o.description.split(" (read as:")[0] for o in spec.profiles["escalation"].objectives]
    assert words == [
        "Error rate increases >5%",
        "Response times >2s for >5 minutes",
        "Cache completely failing",
        "Read replica causing errors",
    ]
    assert all(o.gating for o in spec.profiles["escalation"].objectives)
