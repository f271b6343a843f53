"""The in-process cache layer: bounded in bytes, each entry gone at its own expiry."""

from __future__ import annotations

from reference_app.local_cache import LocalLayer
from reference_app.params import ListQuery


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def layer(*, max_bytes: int = 16_000, ttl: float = 30.0) -> tuple[LocalLayer, Clock]:
    clock = Clock()
    return LocalLayer(max_bytes=max_bytes, ttl=ttl, timer=clock), clock


def page(offset: int) -> ListQuery:
    return ListQuery(limit=10, offset=offset)


def test_a_stored_body_is_served_until_the_layers_ttl_and_not_after() -> None:
    local, clock = layer(ttl=30)
    assert local.put(page(0), b"body")
    clock.now += 29.9
    assert local.get(page(0)) == b"body"
    clock.now += 0.2
    assert local.get(page(0)) is None


def test_an_entry_with_less_time_left_in_redis_expires_when_redis_would() -> None:
    local, clock = layer(ttl=30)
    assert local.put(page(0), b"body", ttl_left=2.0)
    clock.now += 2.1
    assert local.get(page(0)) is None


def test_redis_time_left_never_extends_the_layers_ttl() -> None:
    local, clock = layer(ttl=5)
    local.put(page(0), b"body", ttl_left=300.0)
    clock.now += 5.1
    assert local.get(page(0)) is None


def test_an_entry_with_no_time_left_is_not_kept() -> None:
    local, _ = layer()
    assert not local.put(page(0), b"body", ttl_left=0.0)
    assert local.get(page(0)) is None


def test_the_bodies_held_never_exceed_the_byte_bound() -> None:
    local, _ = layer(max_bytes=16_000)
    for offset in range(100):  # 100 kB offered to a 16 kB layer
        local.put(page(offset), bytes(1000))
        assert local.bytes <= 16_000
    assert local.get(page(99)) is not None  # the newest stay, the oldest went
    assert local.get(page(0)) is None


def test_one_body_larger_than_a_sixteenth_of_the_layer_is_not_kept() -> None:
    local, _ = layer(max_bytes=16_000)
    local.put(page(1), b"small")
    assert not local.put(page(0), bytes(1001))
    assert local.get(page(1)) == b"small"  # and it evicted nothing


def test_equal_queries_share_an_entry_and_different_ones_do_not() -> None:
    local, _ = layer()
    local.put(ListQuery(limit=10, gateway="groq"), b"groq")
    assert local.get(ListQuery(limit=10, gateway="groq")) == b"groq"
    assert local.get(ListQuery(limit=10, gateway="all")) is None


def test_clear_forgets_everything_and_status_says_what_is_held() -> None:
    local, _ = layer(max_bytes=16_000, ttl=30)
    local.put(page(0), b"12345")
    assert local.status() == {"entries": 1, "bytes": 5, "max_bytes": 16_000, "ttl_seconds": 30}
    local.clear()
    assert (len(local), local.bytes) == (0, 0)
