"""Short stack directories under /tmp that the `postgres` user can traverse."""

from __future__ import annotations

import tempfile
from pathlib import Path


def new_stack_dir(prefix: str) -> Path:
    """A fresh directory for one stack (mkdtemp is 0700: opened to other users' traversal)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path
