"""Random faults for the stand-in Slack: a share of the calls to chosen methods answer 429 with
Retry-After, a 5xx, arrive slowly, or have their connection dropped before Slack acted on them.

Every fault happens before the call takes effect, as an outage in front of the API would, so a
client that retries can still deliver each message exactly once. (A real Slack can also act and
then lose the answer; no client can tell that from a drop, and only a duplicate can follow.)
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("429", "500", "slow", "drop")
DROP = 0  # the Reply status that tells the HTTP layer to close the connection unanswered


@dataclass
class Chaos:
    """Which calls fail how often, and how; `counts` records what was injected."""

    rate: float
    methods: frozenset[str] | None = None
    kinds: tuple[str, ...] = KINDS
    slow_seconds: float = 0.2
    seed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate is a share of calls, 0 to 1")
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}")
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def pick(self, method: str) -> str | None:
        """The fault for this call, or None for a normal answer."""
        if self.methods is not None and method not in self.methods:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            self.counts[kind] = self.counts.get(kind, 0) + 1
            return kind


def chaos(
    rate: float,
    *,
    methods: Iterable[str] | None = None,
    kinds: Iterable[str] = KINDS,
    slow_seconds: float = 0.2,
    seed: int = 0,
) -> Chaos:
    return Chaos(
        rate=rate,
        methods=frozenset(methods) if methods is not None else None,
        kinds=tuple(kinds),
        slow_seconds=slow_seconds,
        seed=seed,
    )
