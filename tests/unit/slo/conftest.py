"""Every test of the ``slo`` command starts from an environment without ``SLO_*`` options,
whatever the developer's shell exports; a test that needs one sets it."""

from __future__ import annotations

import pytest

from slo.cli.options import ENVIRONMENT


@pytest.fixture(autouse=True)
def _no_slo_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
