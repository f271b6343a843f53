"""An internal error (a bug) as one line for the user and a log holding the traceback.

The line names the exception's type and the log, never the exception's text: that text
may quote a URL, a header or a file's contents, and so a secret. The log is created
private (mode 0600, a fresh name, never following a planted file) under
``$XDG_CACHE_HOME/slo-harness`` (default ``~/.cache/slo-harness``), or the temporary
directory when that cannot be written.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from collections.abc import Mapping
from pathlib import Path

__all__ = ["internal_error_line", "log_directories", "write_crash_log"]


def log_directories(env: Mapping[str, str]) -> list[Path]:
    """Where a crash log may go, in order of preference."""
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return [Path(cache) / "slo-harness", Path(tempfile.gettempdir())]


def write_crash_log(
    exc: BaseException, *, prog: str, env: Mapping[str, str] | None = None
) -> Path | None:
    """Write ``exc``'s traceback to a new private log; its path (None if none could be
    written anywhere)."""
    text = "".join(traceback.format_exception(exc))
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for directory in log_directories(os.environ if env is None else env):
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f"{prog.replace(' ', '-')}-internal-error-{stamp}-",
                suffix=".log",
                dir=directory,
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(f"{prog}: internal error\n{text}")
        except OSError:
            continue
        return Path(name)
    return None


def internal_error_line(
    exc: BaseException, *, prog: str, env: Mapping[str, str] | None = None
) -> str:
    """``prog: internal error (ValueError); the traceback is in /path/to.log``, log written."""
    path = write_crash_log(exc, prog=prog, env=env)
    where = f"the traceback is in {path}" if path else "no log could be written for it"
    return f"{prog}: internal error ({type(exc).__name__}); {where}"
