"""Fixtures of the stand-in tests: a clock moved by hand (trigger ids, rate windows)."""

from __future__ import annotations

import pytest


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
