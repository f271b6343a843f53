"""Circuit breaker and single flight, without servers."""

from __future__ import annotations

import asyncio
import time

import pytest

from reference_app.cache import CircuitBreaker, SingleFlight


def test_the_breaker_opens_on_failure_and_lets_one_probe_through_after_the_cooldown() -> None:
    breaker = CircuitBreaker(cooldown_min=0.05, cooldown_max=0.2)
    assert breaker.allow()
    assert breaker.failure() is True  # a new incident
    assert not breaker.allow()
    time.sleep(0.06)
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one
    assert breaker.success() is True  # the incident ends
    assert breaker.allow()


def test_repeated_failed_probes_are_one_incident() -> None:
    breaker = CircuitBreaker(cooldown_min=0.01, cooldown_max=0.02)
    assert breaker.failure() is True
    time.sleep(0.02)
    assert breaker.allow()
    assert breaker.failure() is False


def test_concurrent_callers_of_one_key_share_one_build() -> None:
    calls = 0

    async def build() -> bytes:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return b"body"

    async def main() -> list[bytes]:
        flights = SingleFlight()
        results = await asyncio.gather(*(flights.run("k", build) for _ in range(20)))
        assert len(flights) == 0
        return results

    assert asyncio.run(main()) == [b"body"] * 20
    assert calls == 1


def test_a_failed_build_reaches_every_waiter_and_is_not_kept() -> None:
    calls = 0

    async def build() -> bytes:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("database down")

    async def main() -> None:
        flights = SingleFlight()
        results = await asyncio.gather(
            *(flights.run("k", build) for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, RuntimeError) for r in results)
        with pytest.raises(RuntimeError):
            await flights.run("k", build)  # a new attempt, not a remembered failure

    asyncio.run(main())
    assert calls == 2


def test_a_cancelled_first_caller_does_not_cancel_the_others() -> None:
    async def build() -> bytes:
        await asyncio.sleep(0.05)
        return b"body"

    async def main() -> bytes:
        flights = SingleFlight()
        first = asyncio.ensure_future(flights.run("k", build))
        second = asyncio.ensure_future(flights.run("k", build))
        await asyncio.sleep(0.01)
        first.cancel()
        return await second

    assert asyncio.run(main()) == b"body"
