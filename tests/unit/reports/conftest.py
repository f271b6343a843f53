from __future__ import annotations

import pytest
from report_fixture import build_report

from reports import Report


@pytest.fixture
def report() -> Report:
    return build_report()
