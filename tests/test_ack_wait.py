"""Issue 7, load: the request's thread waits for its listener's acknowledgement instead of
polling for it every 10 ms (bot/ack_wait.py). The answer leaves as soon as it is given, the
listener's work after it goes on, and a listener that ends or fails without answering never
holds the request."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.ack_deadline import acknowledgements
from bot.ack_wait import AnswerWaitingExecutor, SignallingAck, expect
from bot.sandbox.world import demo_standin

WAIT = 5.0


def test_submit_returns_once_the_listener_acknowledges_while_its_work_goes_on() -> None:
    executor = AnswerWaitingExecutor(threads=1)
    ack, finish = SignallingAck(), threading.Event()

    def listener() -> str:
        ack(text="taken")
        assert finish.wait(WAIT)
        return "done"

    expect(ack)
    future = executor.submit(listener)
    assert ack.response is not None and ack.response.body == "taken"
    assert not future.done()  # the work after the answer is still running
    finish.set()
    assert future.result(timeout=WAIT) == "done"
    executor.shutdown()


def test_a_listener_that_fails_or_ends_without_answering_releases_the_request() -> None:
    executor = AnswerWaitingExecutor(threads=1)
    for outcome in (ValueError("broken"), None):
        ack = SignallingAck()

        def listener(outcome: Exception | None = outcome) -> None:
            if outcome is not None:
                raise outcome

        expect(ack)
        future = executor.submit(listener)
        assert future.done() and ack.response is None
    executor.shutdown()


def test_work_submitted_without_an_expected_answer_does_not_wait() -> None:
    """Bolt's lazy listeners share the executor; only the request's own listener is waited for,
    and only once."""
    executor = AnswerWaitingExecutor(threads=1)
    expect(SignallingAck())
    executor.submit(lambda: None).result(timeout=WAIT)
    started, finish = threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        assert finish.wait(WAIT)

    future = executor.submit(slow)  # nothing expected any more: returns at once
    assert started.wait(WAIT) and not future.done()
    finish.set()
    future.result(timeout=WAIT)
    executor.shutdown()


@pytest.fixture
def app() -> Iterator[App]:
    """A Bolt app with Casedesk's acknowledgement middleware and executor, talking to the
    stand-in Slack (Bolt asks it auth.test once)."""
    standin = demo_standin(clock=time.time)
    server = standin.serve()
    app = App(
        client=WebClient(token=standin.bot_token, base_url=standin.api_url),
        signing_secret="unused",
        request_verification_enabled=False,
        token_verification_enabled=False,
        listener_executor=AnswerWaitingExecutor(),
    )
    app.middleware(acknowledgements(2.0))
    yield app
    server.close()


def test_bolt_answers_a_button_as_soon_as_it_is_acknowledged(app: App) -> None:
    finish, finished = threading.Event(), threading.Event()

    @app.action("case_take")
    def take(ack: Ack) -> None:
        ack()
        assert finish.wait(WAIT)
        finished.set()

    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "actions": [{"type": "button", "action_id": "case_take", "block_id": "b", "value": "1"}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    response = app.dispatch(BoltRequest(body=body, headers={}))
    assert response.status == 200 and not finished.is_set()
    finish.set()
    assert finished.wait(WAIT)


def test_bolt_answers_a_command_with_the_listener_s_own_text(app: App) -> None:
    @app.command("/case")
    def case(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"you said {command['text']}")

    body = urlencode({"command": "/case", "text": "show CASE-1", "user_id": "U1", "team_id": "T1"})
    response = app.dispatch(BoltRequest(body=body, headers={}))
    assert response.status == 200 and response.body == "you said show CASE-1"
