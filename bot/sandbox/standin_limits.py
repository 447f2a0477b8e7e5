"""Slack's rate limits as token buckets on the stand-in's clock, so tests can provoke 429s.

Tiers allow t1=1, t2=20, t3=50, t4=100 calls per rolling minute per method and token (a bucket of
that size refilled evenly). t5 ("special") is treated like t4, except chat.postMessage, which Slack
limits to about one message per second per channel: a bucket of POST_BURST refilled at 1/s, keyed
on the `channel` argument as sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100, "t5": 100}
POST_BURST = 3


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Per-key token buckets; `take` answers None (go ahead) or the Retry-After seconds."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def take(self, *, method: str, tier: str, token: str, channel: str | None) -> int | None:
        if method == "chat.postMessage":
            return self._take((method, token, channel or ""), size=POST_BURST, per_second=1.0)
        size = PER_MINUTE.get(tier, PER_MINUTE["t3"])
        return self._take((method, token), size=size, per_second=size / 60.0)

    def _take(self, key: tuple[str, ...], *, size: int, per_second: float) -> int | None:
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(tokens=float(size), updated=now))
        elapsed = max(now - bucket.updated, 0.0)
        bucket.tokens = min(float(size), bucket.tokens + elapsed * per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / per_second))
