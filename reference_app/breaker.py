"""The circuit breaker the Redis cache and the read replica both rest behind.

Closed until the first failure; then open: nothing is let through until a
cool-down has passed, after which exactly one operation probes. A failed probe
doubles the cool-down (up to a maximum); a successful one closes the breaker.
"""

from __future__ import annotations

import time

__all__ = ["CircuitBreaker"]


class CircuitBreaker:
    """Closed -> open on failure -> one probe after a cool-down -> closed on success."""

    def __init__(self, *, cooldown_min: float = 0.5, cooldown_max: float = 5.0) -> None:
        self._cooldown_min = cooldown_min
        self._cooldown_max = cooldown_max
        self._cooldown = cooldown_min
        self.opened_at: float | None = None
        self._retry_at = 0.0
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    @property
    def retry_at(self) -> float:
        """When (``time.monotonic()``) the next probe may go; meaningful while open."""
        return self._retry_at

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        if self._probing or time.monotonic() < self._retry_at:
            return False
        self._probing = True
        return True

    def success(self) -> bool:
        """Record a success; True when it ends an incident."""
        if self.opened_at is None:
            return False
        self.opened_at = None
        self._probing = False
        self._cooldown = self._cooldown_min
        return True

    def failure(self, *, probe: bool = True) -> bool:
        """Record a failure; True when it starts an incident.

        ``probe=False`` tells the breaker that the operation began before the
        incident, so it cannot be the probe even while one is out: its failure
        must not lengthen the rest nor free the probe slot.
        """
        now = time.monotonic()
        if self.opened_at is None:
            self.opened_at = now
            self._cooldown = self._cooldown_min
            self._retry_at = now + self._cooldown
            return True
        if self._probing and probe:  # the probe failed: rest longer before the next one
            self._cooldown = min(self._cooldown * 2, self._cooldown_max)
            self._retry_at = now + self._cooldown
            self._probing = False
        # Otherwise an operation already in flight when the incident began failed too.
        return False

    def abandon_probe(self) -> None:
        self._probing = False
