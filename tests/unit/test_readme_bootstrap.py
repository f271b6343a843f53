"""README's list of the system packages `make bootstrap` installs is the Makefile's."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_names_every_package_bootstrap_installs() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (packages,) = re.findall(r"^APT_PACKAGES := (.+)$", makefile, re.M)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    (listed,) = re.findall(r"installs the missing system packages with apt-get \(([^)]*)\)", readme)
    assert [p.strip() for p in listed.split(",")] == packages.split()
    assert "victoria-metrics" in packages.split()
