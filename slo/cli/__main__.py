"""``python -m slo.cli``."""

from __future__ import annotations

from slo.cli import main

main()
