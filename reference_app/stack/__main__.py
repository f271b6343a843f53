"""`python -m reference_app.stack` (also the `reference-stack` script)."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
