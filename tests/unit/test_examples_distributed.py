"""examples/distributed/: the Kubernetes manifests pass Kubernetes' own schemas offline
(``kubernetes-validate``, strict: unknown fields are errors), their Locust arguments parse
with Locust's parser and the gate's options, and the pieces fit together (the workers find
the master, the master finds the spec, the Job runs once)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from locust.argument_parser import get_parser

from scenarios.options import add_options, check_values
from slo.spec import default_spec_path, load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "distributed"
MANIFESTS = sorted((EXAMPLE / "kubernetes").glob("*.yaml"))
# The oldest Kubernetes still commonly run, and the newest the validator knows.
VERSIONS = ["1.28.0", kubernetes_validate.latest_version()]


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((EXAMPLE / "kubernetes" / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def container(document: dict[str, Any]) -> dict[str, Any]:
    (only,) = document["spec"]["template"]["spec"]["containers"]
    return dict(only)


def options_of(args: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """``args`` parsed as Locust parses them with the locustfile loaded (the gate's options
    added), values checked by the gate; no LOCUST_* variable of this shell leaks in."""
    for name in [n for n in os.environ if n.startswith("LOCUST_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(EXAMPLE)  # no locust.conf or pyproject.toml [tool.locust] read
    parser = get_parser()
    add_options(parser)
    options = parser.parse_args(["-f", "/app/locustfile.py", *args])
    check_values(options)
    return options


def test_the_example_has_the_master_job_the_workers_the_service_and_the_spec() -> None:
    kinds = sorted((m.name, load(m.name)["kind"]) for m in MANIFESTS)
    assert kinds == [
        ("configmap.yaml", "ConfigMap"),
        ("master-job.yaml", "Job"),
        ("master-service.yaml", "Service"),
        ("workers.yaml", "Deployment"),
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_passes_kubernetes_schemas_strictly(manifest: Path, version: str) -> None:
    for document in yaml.safe_load_all(manifest.read_text(encoding="utf-8")):
        kubernetes_validate.validate(document, version, strict=True)


def test_the_strict_validation_rejects_a_misspelled_field() -> None:
    job = load("master-job.yaml")
    job["spec"]["template"]["spec"]["restartpolicy"] = job["spec"]["template"]["spec"].pop(
        "restartPolicy"
    )
    with pytest.raises(kubernetes_validate.ValidationError, match="restartpolicy"):
        kubernetes_validate.validate(job, VERSIONS[0], strict=True)


def test_the_master_runs_once_and_its_exit_code_is_the_gates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = load("master-job.yaml")
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    master = container(job)
    assert "command" not in master  # the image's entrypoint: locust -f /app/locustfile.py
    options = options_of(master["args"], monkeypatch)
    assert options.master and options.headless and not options.worker
    assert options.skip_preflight is False


def test_the_workers_find_the_master_and_are_as_many_as_it_expects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job, service, workers = (
        load("master-job.yaml"),
        load("master-service.yaml"),
        load("workers.yaml"),
    )
    master = options_of(container(job)["args"], monkeypatch)
    worker = options_of(container(workers)["args"], monkeypatch)
    assert worker.worker and not worker.master
    assert worker.master_host == service["metadata"]["name"]
    (port,) = service["spec"]["ports"]
    assert worker.master_port == port["port"] == master.master_bind_port
    (master_port,) = container(job)["ports"]
    assert port["targetPort"] == master_port["name"]
    assert master_port["containerPort"] == master.master_bind_port
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert master.expect_workers == workers["spec"]["replicas"]


def test_workers_need_only_the_image_no_spec_and_no_report_directory() -> None:
    workers = load("workers.yaml")
    assert "volumes" not in workers["spec"]["template"]["spec"]
    assert "volumeMounts" not in container(workers)
    assert not any(a.startswith("--slo-") for a in container(workers)["args"])


def test_the_master_reads_the_spec_of_the_config_map(monkeypatch: pytest.MonkeyPatch) -> None:
    job, config_map = load("master-job.yaml"), load("configmap.yaml")
    master = container(job)
    options = options_of(master["args"], monkeypatch)
    mounts = {m["name"]: m["mountPath"] for m in master["volumeMounts"]}
    volumes = {v["name"]: v for v in job["spec"]["template"]["spec"]["volumes"]}
    (name,) = [n for n, v in volumes.items() if "configMap" in v]
    assert volumes[name]["configMap"]["name"] == config_map["metadata"]["name"]
    spec_path = Path(options.slo_spec)
    assert spec_path.parent == Path(mounts[name])
    text = config_map["data"][spec_path.name]
    # The guide's criteria, verbatim: a changed phase1.yaml must be copied here too.
    assert text == default_spec_path().read_text(encoding="utf-8")
    assert options.slo_profile in load_spec(default_spec_path()).profiles
    assert Path(options.report_dir) == Path(mounts["reports"])


def test_the_image_installs_every_package_and_the_locustfile() -> None:
    dockerfile = (EXAMPLE / "Dockerfile").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = re.findall(r"^COPY (\S+) ", dockerfile, re.M)
    assert set(packages) <= set(copied)
    assert "COPY locustfile.py /app/locustfile.py" in dockerfile
    assert 'ENTRYPOINT ["locust", "-f", "/app/locustfile.py"]' in dockerfile
