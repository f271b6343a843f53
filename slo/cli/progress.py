"""Elapsed and remaining time of a long wait (``slo check --target ... --last 10m``), on
stderr: a bar redrawn in place on a terminal, a plain line now and then otherwise (CI logs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "span"]


def span(seconds: float) -> str:
    """``2m10s``, ``10m``, ``1h0m5s``, ``45s``: whole seconds, largest unit first, trailing
    zero units left out."""
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (secs, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    while len(parts) > 1 and parts[-1][0] == 0:
        parts.pop()
    return "".join(f"{value}{unit}" for value, unit in parts)


class Progress:
    """Waits ``duration`` seconds, saying how far along it is.

    On a terminal the line ``what [#####.....] 2m10s of 10m0s, 7m50s left`` is redrawn every
    second; otherwise a plain line is printed at the start, every tenth of the wait (at most
    every ``plain_every`` seconds, at least every 10 s) and at the end.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        what: str,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        plain_every: float = 60.0,
        width: int = 30,
    ) -> None:
        self.stream = stream
        self.what = what
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.sleep = sleep
        self.plain_every = plain_every
        self.width = width

    def run(self, duration: float) -> None:
        start = self.clock()
        step = 1.0 if self.tty else min(self.plain_every, max(10.0, duration / 10))
        if not self.tty:
            self._line(f"{self.what} for {span(duration)}")
        while (elapsed := self.clock() - start) < duration:
            self.sleep(min(step, duration - elapsed))
            elapsed = min(self.clock() - start, duration)
            if self.tty:
                self._bar(elapsed, duration)
            elif elapsed < duration:
                self._line(self._status(elapsed, duration))
        if self.tty:
            self.stream.write("\n")
        else:
            self._line(f"{self.what}: done after {span(duration)}")
        self.stream.flush()

    def _status(self, elapsed: float, duration: float) -> str:
        return f"{self.what}: {span(elapsed)} of {span(duration)}, {span(duration - elapsed)} left"

    def _bar(self, elapsed: float, duration: float) -> None:
        filled = int(self.width * elapsed / duration) if duration > 0 else self.width
        bar = "#" * filled + "." * (self.width - filled)
        text = f"{self.what} [{bar}] {span(elapsed)} of {span(duration)}, "
        self.stream.write(f"\r{text}{span(duration - elapsed)} left\x1b[K")
        self.stream.flush()

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
