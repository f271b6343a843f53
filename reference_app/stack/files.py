"""The stack's own files (its state record, the machine-wide port reservations, the
primary's password file, Prometheus' configuration), written safely.

Several of them live in a shared directory (`/tmp`), where another user could plant a
symlink at a predictable name. So a file is written to a fresh temporary file in the same
directory (created exclusively, with its final mode from the start), then renamed over
the target: a reader never sees half a file, and a symlink at the target is replaced, not
followed. Lock files are opened with O_NOFOLLOW.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO

from .errors import StackError

__all__ = ["open_lock", "write_atomic"]


def write_atomic(path: Path, text: str, *, mode: int = 0o600) -> Path:
    """Write `text` to `path` through a temporary file and a rename (mode `mode`)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def open_lock(path: Path) -> IO[str]:
    """`path` opened for locking, created 0600 if missing; a symlink there is refused."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StackError(
            f"cannot open the lock file {path} ({exc.strerror}); if it is a symlink, "
            "someone planted it: remove it"
        ) from None
    return os.fdopen(fd, "r+")
