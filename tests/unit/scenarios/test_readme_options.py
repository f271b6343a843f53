"""README's list of the gate's options is the list scenarios/options.py defines."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_readme_lists_exactly_the_gates_options() -> None:
    defined = set(re.findall(r'"(--[a-z][a-z-]*)"', (ROOT / "scenarios/options.py").read_text()))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("- Options (defined in `scenarios/options.py`")
    bullet = readme[start : readme.index("\n\n", start)]
    listed = set(re.findall(r"`(--[a-z][a-z-]*)`", bullet)) - {"--help"}  # Locust's own
    assert listed == defined, (sorted(defined - listed), sorted(listed - defined))
