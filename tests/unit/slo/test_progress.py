"""A long sampling wait says how far along it is: a bar on a terminal, plain lines in a log."""

from __future__ import annotations

import io

from slo.cli.progress import Progress, span


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def wait(duration: float, *, tty: bool) -> tuple[str, float]:
    out, clock = io.StringIO(), FakeClock()
    Progress(out, what="sampling http://t/metrics", tty=tty, clock=clock, sleep=clock.sleep).run(
        duration
    )
    return out.getvalue(), clock.now


def test_without_a_terminal_a_ten_minute_wait_prints_plain_lines_of_elapsed_and_remaining() -> None:
    text, waited = wait(600, tty=False)
    lines = text.splitlines()
    assert waited == 600
    assert lines[0] == "sampling http://t/metrics for 10m"
    assert lines[1] == "sampling http://t/metrics: 1m of 10m, 9m left"
    assert lines[-2] == "sampling http://t/metrics: 9m of 10m, 1m left"
    assert lines[-1] == "sampling http://t/metrics: done after 10m"
    assert len(lines) == 11
    assert "\r" not in text


def test_a_long_wait_without_a_terminal_prints_at_least_once_a_minute() -> None:
    text, _ = wait(3 * 3600, tty=False)
    assert "sampling http://t/metrics: 1m of 3h, 2h59m left" in text.splitlines()


def test_on_a_terminal_a_bar_is_redrawn_in_place_every_second() -> None:
    text, waited = wait(4, tty=True)
    frames = text.rstrip("\n").split("\r")[1:]
    assert waited == 4
    assert len(frames) == 4
    assert frames[1].startswith("sampling http://t/metrics [" + "#" * 15 + "." * 15 + "] 2s of 4s")
    assert "2s left" in frames[1]
    assert text.endswith("\n")


def test_spans_read_as_durations_are_written() -> None:
    assert [span(s) for s in (0, 45, 60, 130, 3600, 3605, 5400)] == [
        "0s", "45s", "1m", "2m10s", "1h", "1h0m5s", "1h30m",
    ]  # fmt: skip


def test_a_short_wait_without_a_terminal_prints_every_ten_seconds() -> None:
    text, _ = wait(30, tty=False)
    assert text.splitlines()[1:] == [
        "sampling http://t/metrics: 10s of 30s, 20s left",
        "sampling http://t/metrics: 20s of 30s, 10s left",
        "sampling http://t/metrics: done after 30s",
    ]
