"""The guide's load check, `ab -n 1000 -c 50 /models?limit=10`, against the cached stack."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from reference_app.stack import StackInfo


@pytest.mark.slow
def test_ab_1000_requests_at_50_concurrent_has_no_failures(stack: StackInfo) -> None:
    # make bootstrap installs apache2-utils: a missing ab is a broken set-up, not a skip.
    assert shutil.which("ab"), "ApacheBench missing: run make bootstrap (apache2-utils)"
    result = subprocess.run(
        ["ab", "-q", "-n", "1000", "-c", "50", f"{stack.service_url}/models?limit=10"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = result.stdout
    assert re.search(r"Complete requests:\s+1000\b", out)
    assert re.search(r"Failed requests:\s+0\b", out)
    assert "Non-2xx responses" not in out
