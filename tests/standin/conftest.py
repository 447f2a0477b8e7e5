"""Fixtures of the stand-in tests: a clock moved by hand (trigger ids, rate windows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.sandbox.standin import SlackStandIn

TOKEN = "xoxb-sandbox"


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


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    """A real slack_sdk client on the module's `standin` fixture, retrying nothing."""
    return WebClient(token=TOKEN, base_url=standin.api_url, retry_handlers=[])


def refused(call: Callable[[], Any]) -> SlackResponse:
    with pytest.raises(SlackApiError) as info:
        call()
    response: SlackResponse = info.value.response
    return response


def error_of(call: Callable[[], Any]) -> str:
    return str(refused(call)["error"])
