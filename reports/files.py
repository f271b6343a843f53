"""Report files on disk: written atomically, never through a planted symlink, into a
directory checked before any work is done.

A report file is written to a temporary file in its own directory, then renamed over the
target (``os.replace``): a reader sees the old file or the new one, never half of one, and
a symlink planted at the target is replaced, not followed (its target is never written).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Final

from reports.errors import ReportDirError

__all__ = ["FILE_MODE", "check_report_dir", "write_atomic"]

FILE_MODE: Final = 0o644


def write_atomic(path: Path, text: str, *, mode: int = FILE_MODE) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``path``'s directory must exist."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)  # mkstemp creates it 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def check_report_dir(directory: Path, *, option: str = "--report-dir") -> Path:
    """Make sure reports can be written to ``directory`` (created if missing) before any
    load is sent or window sampled; ``ReportDirError`` (bad usage) says why not."""
    if directory.exists() and not directory.is_dir():
        raise ReportDirError(option, directory, "is a file, not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportDirError(option, directory, f"cannot create it ({_why(exc)})") from None
    try:
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".write-check.", suffix=".tmp")
    except OSError as exc:
        raise ReportDirError(option, directory, f"cannot write in it ({_why(exc)})") from None
    os.close(fd)
    os.unlink(probe)
    return directory


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
