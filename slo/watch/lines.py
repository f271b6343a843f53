"""What a watch prints: one compact line per tick, the trip, the end.

Three styles. ``human`` (the default): ``23:40:15 ok cache_hit_rate=pass ...`` per tick
(a failing objective shows its value), on a terminal with a live status line below that
counts down to the next tick (rewritten in place with ``\\r``). ``quiet``: only the trip,
ticks without data and the end. ``json``: one JSON object per line, ``{"event": "tick" |
"trip" | "report" | "on_trip" | "end", ...}``, for machines. A tick whose source cannot be
read prints ``no data`` and the error, shortened to one line, on stderr (human styles).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from reports import OnTripResult, WatchTick, fmt
from reports.verdict import Verdict
from slo.timeutil import iso

__all__ = ["Printer", "Style", "brief_error"]

Style = Literal["human", "quiet", "json"]
_WORDS = {Verdict.PASS: "ok", Verdict.FAIL: "FAIL"}
_CLEAR = "\r\x1b[K"
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")
_TIMEOUT = re.compile(r"((?:Read|Connect|Connection) timed out)")


def brief_error(text: str) -> str:
    """A source's error on one short line: ``Prometheus at URL unreachable: Connection
    refused`` rather than the client library's whole chain (report.json keeps it all)."""
    where = text.split(" failed on ", 1)[0] if " failed on " in text else ""
    cause = _ERRNO.search(text) or _TIMEOUT.search(text)
    if where and cause is not None:
        return f"{where} unreachable: {cause.group(1).strip()}"
    return text if len(text) <= 300 else text[:299] + "…"


def _number(value: float | None) -> float | str | None:
    """JSON has no NaN or infinity: those travel as strings, as in report.json."""
    if value is None or math.isfinite(value):
        return value
    return str(value)


@dataclass(kw_only=True)
class Printer:
    """Writes the watch's lines to ``out`` (and errors to ``err``); ``live``: ``out`` is a
    terminal that shows a status line."""

    out: TextIO
    err: TextIO
    style: Style = "human"
    live: bool = False
    units: dict[str, str] = field(default_factory=dict)
    _status: bool = False

    def _line(self, text: str, *, error: bool = False) -> None:
        self._clear()
        stream = self.err if error and self.style != "json" else self.out
        print(text, file=stream, flush=True)

    def _json(self, event: str, **fields: Any) -> None:
        print(json.dumps({"event": event, **fields}), file=self.out, flush=True)

    def _clear(self) -> None:
        if self._status:
            self.out.write(_CLEAR)
            self.out.flush()
            self._status = False

    def tick(
        self, tick: WatchTick, *, window_start: float, failed: str = "", blind: str = ""
    ) -> None:
        """One tick: its time, verdict and each objective's verdict; ``failed`` and
        ``blind`` say how far the watch is from its limits (``1/3``)."""
        if self.style == "json":
            self._json(
                "tick",
                time=iso(tick.at.timestamp()),
                window={"start": iso(window_start), "end": iso(tick.at.timestamp())},
                verdict=tick.verdict.value,
                objectives={
                    name: {
                        "verdict": s.verdict.value,
                        "value": _number(s.value),
                        "reason": s.reason,
                    }
                    for name, s in tick.objectives.items()
                },
                error=tick.error or None,
            )
            return
        clock = tick.at.strftime("%H:%M:%S")
        if tick.error:
            self._line(f"{clock} no data [{blind}]: {tick.error}", error=True)
            return
        if self.style == "quiet" and tick.verdict != Verdict.INCONCLUSIVE:
            return
        word = _WORDS.get(tick.verdict, tick.verdict.value)
        states = []
        for name, s in tick.objectives.items():
            shown = s.verdict.value
            if s.verdict in (Verdict.FAIL, Verdict.WARN):
                shown += f"({fmt(s.value, self.units.get(name, ''))})"
            states.append(f"{name}={shown}")
        limit = {Verdict.FAIL: f" [failed {failed}]", Verdict.INCONCLUSIVE: f" [no data {blind}]"}
        self._line(f"{clock} {word} {' '.join(states)}{limit.get(tick.verdict, '')}")

    def note(self, text: str) -> None:
        """A remark that is not a tick (a slow tick); not in quiet or JSON output."""
        if self.style == "human":
            self._line(f"slo watch: {text}", error=True)

    def status(self, text: str) -> None:
        """The live status line (only on a terminal, only in the human style)."""
        if self.live and self.style == "human":
            self.out.write(_CLEAR + text)
            self.out.flush()
            self._status = True

    def trip(self, *, objective: str, reason: str, at: float) -> None:
        if self.style == "json":
            self._json("trip", time=iso(at), objective=objective, reason=reason)
        else:
            self._line(f"ROLLBACK: {objective}: {reason}")

    def reports(self, what: str, path: str) -> None:
        if self.style == "json":
            self._json("report", what=what, path=path)
        else:
            self._line(f"{what}: {path}", error=True)

    def on_trip(self, result: OnTripResult) -> None:
        if self.style == "json":
            self._json("on_trip", **result.model_dump())
            return
        if result.timed_out:
            status = f"killed at the {result.seconds:.3g}s timeout"
        else:
            status = f"exit {result.exit_status} after {result.seconds:.3g}s"
        last = result.output.strip().splitlines()[-1:] or [""]
        shown = f"; output: {last[0][:200]}" if last[0] else "; no output"
        self._line(f"on-trip: {result.command}: {status}{shown}")

    def end(self, *, outcome: str, exit_code: int, message: str, summary: str) -> None:
        if self.style == "json":
            self._json(
                "end", outcome=outcome, exit_code=exit_code, message=message, summary=summary
            )
        else:
            self._line(f"slo watch: {message} (exit {exit_code}); summary {summary}")
