"""Errors raised by the local stack launcher.

Every message says which part failed, where to look and what to do::

    StackError                  anything the launcher cannot do
    ├── MissingBinaryError      a server binary is not installed (names the apt package)
    ├── PortInUseError          an explicitly requested port is already taken
    ├── StackStateError         DIR holds no stack, or already holds one
    └── PartFailedError         a part did not start or become healthy in time (names its log)
"""

from __future__ import annotations

from pathlib import Path


class StackError(Exception):
    """Base class: the launcher could not do what was asked."""


class MissingBinaryError(StackError):
    """A binary the stack needs is not installed."""

    def __init__(self, binary: str, package: str, searched: str) -> None:
        self.binary = binary
        self.package = package
        super().__init__(
            f"{binary} not found ({searched}); install it with: "
            f"sudo apt-get install {package}  (or run `make bootstrap`)"
        )


class PortInUseError(StackError):
    """A port that was asked for explicitly is taken by another process."""

    def __init__(self, part: str, port: int) -> None:
        self.part = part
        self.port = port
        super().__init__(
            f"{part}: port {port} on 127.0.0.1 is already in use; "
            f"choose another port or leave it out to get a free one"
        )


class StackStateError(StackError):
    """The stack directory is not in the state the command needs."""


class PartFailedError(StackError):
    """One part of the stack did not start, or did not become healthy in time."""

    def __init__(self, part: str, problem: str, log_file: Path | None = None) -> None:
        self.part = part
        self.log_file = log_file
        where = f"; see its log: {log_file}" if log_file is not None else ""
        tail = _tail(log_file) if log_file is not None else ""
        super().__init__(f"{part}: {problem}{where}{tail}")


def _tail(log_file: Path, lines: int = 8) -> str:
    """The last lines of a log, so the error is useful without opening the file."""
    try:
        text = log_file.read_text(errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    last = "\n    ".join(text.splitlines()[-lines:])
    return f"\n  last lines of {log_file.name}:\n    {last}"
