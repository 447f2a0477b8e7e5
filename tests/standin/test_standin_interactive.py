"""The stand-in's interactive surfaces: modals, response_url, rate limits and injected faults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.standin import SlackStandIn
from tests.standin.conftest import TOKEN, FakeClock, error_of


def served(clock: FakeClock, *, enforce_rate_limits: bool = False) -> SlackStandIn:
    s = SlackStandIn(
        bot_token=TOKEN,
        team_id="T0CASEDESK",
        team_domain="casedesk-sandbox",
        bot_user_id="UCASEBOT",
        enforce_rate_limits=enforce_rate_limits,
        clock=clock,
    )
    s.add_user("U0ALICE", name="alice", real_name="Alice Ames", email="alice@example.org")
    s.add_channel("C0DESKQ", name="desk-queue", members=["U0ALICE", "UCASEBOT"])
    s.serve(host="127.0.0.1", port=0)
    return s


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[SlackStandIn]:
    s = served(clock)
    yield s
    s.close()
    for call in s.calls:
        if call.error:
            assert call.error in s.documented_errors(call.method), call


def messages_of(call: Callable[[], Any]) -> list[str]:
    with pytest.raises(SlackApiError) as info:
        call()
    assert info.value.response["error"] == "invalid_arguments"
    return list(info.value.response["response_metadata"]["messages"])


def text(value: str) -> dict[str, str]:
    return {"type": "plain_text", "text": value}


def modal(**extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "intake",
        "title": text("New request"),
        "submit": text("Submit"),
        "blocks": [
            {
                "type": "input",
                "block_id": "summary",
                "label": text("Summary"),
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    view.update(extra)
    return view


# views


def test_open_push_update_and_stack(standin: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal())
    root = opened["view"]
    assert root["id"].startswith("V") and root["root_view_id"] == root["id"]
    assert root["state"] == {"values": {}} and root["previous_view_id"] is None
    pushed = client.views_push(
        trigger_id=standin.issue_trigger_id(user_id="U0ALICE"),
        view=modal(title=text("Details")),
    )["view"]
    assert pushed["previous_view_id"] == root["id"] and pushed["root_view_id"] == root["id"]
    stack = standin.view_stack("U0ALICE")
    assert [v.id for v in stack] == [root["id"], pushed["id"]]
    updated = client.views_update(view_id=pushed["id"], hash=pushed["hash"], view=modal())["view"]
    assert updated["id"] == pushed["id"] and updated["hash"] != pushed["hash"]
    assert error_of(
        lambda: client.views_update(view_id=pushed["id"], hash=pushed["hash"], view=modal())
    ) == ("hash_conflict")
    assert error_of(lambda: client.views_update(view_id="V0NOPE", view=modal())) == "not_found"
    client.views_push(trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal())
    assert error_of(
        lambda: client.views_push(
            trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal()
        )
    ) == ("push_limit_reached")
    standin.pop_view("U0ALICE")
    assert len(standin.view_stack("U0ALICE")) == 2
    standin.close_views("U0ALICE")
    assert standin.view_stack("U0ALICE") == []


def test_trigger_ids_are_single_use_and_short_lived(
    standin: SlackStandIn, client: WebClient, clock: FakeClock
) -> None:
    assert error_of(lambda: client.views_open(trigger_id="123.456.abc", view=modal())) == (
        "invalid_trigger_id"
    )
    trigger = standin.issue_trigger_id(user_id="U0ALICE")
    clock.advance(2.9)
    client.views_open(trigger_id=trigger, view=modal())
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == (
        "exchanged_trigger_id"
    )
    late = standin.issue_trigger_id(user_id="U0ALICE")
    clock.advance(3.1)
    assert error_of(lambda: client.views_open(trigger_id=late, view=modal())) == (
        "expired_trigger_id"
    )
    assert messages_of(lambda: client.api_call("views.open", json={"view": modal()}))


def test_invalid_view_does_not_burn_the_trigger(standin: SlackStandIn, client: WebClient) -> None:
    trigger = standin.issue_trigger_id(user_id="U0ALICE")
    messages_of(lambda: client.views_open(trigger_id=trigger, view=modal(title=text("x" * 25))))
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"type": "home"}, "/view/type"),
        ({"title": text("x" * 25)}, "/view/title/text"),
        ({"title": {"type": "mrkdwn", "text": "x"}}, "/view/title/type"),
        ({"title": None}, "/view/title"),
        ({"submit": text("x" * 25)}, "/view/submit/text"),
        ({"close": text("x" * 25)}, "/view/close/text"),
        ({"callback_id": "c" * 256}, "/view/callback_id"),
        ({"private_metadata": "m" * 3001}, "/view/private_metadata"),
        ({"blocks": [{"type": "divider"}] * 101}, "/view/blocks"),
        ({"submit": None}, "/view"),
        ({"blocks": [{"type": "input", "label": text("x"), "element": {"type": "button"}}]},
         "/view/blocks/0/element/type"),
        ({"blocks": [{"type": "input", "element": {"type": "plain_text_input"}}]},
         "/view/blocks/0/label"),
        ({"blocks": [{"type": "input", "label": text("x" * 2001),
                      "element": {"type": "plain_text_input"}}]}, "/view/blocks/0/label/text"),
        ({"blocks": [{"type": "input", "label": text("x")}]}, "/view/blocks/0/element"),
        ({"blocks": [{"type": "markdown", "text": "no markdown blocks in modals"}]},
         "/view/blocks/0/type"),
    ],
)  # fmt: skip
def test_view_validation(
    standin: SlackStandIn, client: WebClient, change: dict[str, Any], pointer: str
) -> None:
    view = modal(**change)
    view = {key: value for key, value in view.items() if value is not None}
    trigger = standin.issue_trigger_id(user_id="U0ALICE")
    messages = messages_of(lambda: client.views_open(trigger_id=trigger, view=view))
    assert any(m.startswith("[ERROR] ") and f"[json-pointer:{pointer}]" in m for m in messages), (
        messages
    )


def test_initial_option_must_be_an_option(standin: SlackStandIn, client: WebClient) -> None:
    option = {"text": text("Hardware"), "value": "hw"}
    select = {"type": "static_select", "action_id": "cat", "options": [option],
              "initial_option": {"text": text("Other"), "value": "other"}}  # fmt: skip
    view = modal(blocks=[{"type": "input", "block_id": "c", "label": text("Category"),
                          "element": select}])  # fmt: skip
    trigger = standin.issue_trigger_id(user_id="U0ALICE")
    messages = messages_of(lambda: client.views_open(trigger_id=trigger, view=view))
    assert "initial_option" in messages[0]


def test_external_ids(standin: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(
        trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal(external_id="case-1")
    )["view"]
    assert error_of(
        lambda: client.views_push(
            trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal(external_id="case-1")
        )
    ) == ("duplicate_external_id")
    updated = client.views_update(external_id="case-1", view=modal(title=text("Edited")))["view"]
    assert updated["id"] == opened["id"]
    assert standin.view_stack("U0ALICE")[0].view["title"]["text"] == "Edited"


def test_view_submission_responses(standin: SlackStandIn, client: WebClient) -> None:
    root = client.views_open(trigger_id=standin.issue_trigger_id(user_id="U0ALICE"), view=modal())
    view_id = root["view"]["id"]
    too_short = {"response_action": "errors", "errors": {"summary": "Too short"}}
    standin.apply_view_response("U0ALICE", view_id, too_short)
    assert standin.view_stack("U0ALICE")[0].errors == {"summary": "Too short"}
    with pytest.raises(ValueError, match="not input blocks"):
        standin.apply_view_response(
            "U0ALICE", view_id, {"response_action": "errors", "errors": {"nope": "x"}}
        )
    standin.apply_view_response(
        "U0ALICE", view_id, {"response_action": "update", "view": modal(title=text("Step 2"))}
    )
    (top,) = standin.view_stack("U0ALICE")
    assert top.id == view_id and top.errors is None and top.view["title"]["text"] == "Step 2"
    with pytest.raises(ValueError, match="invalid_arguments"):
        standin.apply_view_response(
            "U0ALICE", view_id, {"response_action": "update", "view": modal(title=text("x" * 30))}
        )
    standin.apply_view_response("U0ALICE", view_id, {"response_action": "push", "view": modal()})
    assert len(standin.view_stack("U0ALICE")) == 2
    standin.apply_view_response("U0ALICE", view_id, {"response_action": "clear"})
    assert standin.view_stack("U0ALICE") == []


def test_home_tab(standin: SlackStandIn, client: WebClient) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = client.views_publish(user_id="U0ALICE", view=home)["view"]
    assert standin.home_view("U0ALICE") == home
    second = client.views_publish(user_id="U0ALICE", view=home, hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    assert error_of(lambda: client.views_publish(user_id="U0ALICE", view=home, hash="stale")) == (
        "hash_conflict"
    )
    assert error_of(lambda: client.views_publish(user_id="U0NOBODY", view=home)) == (
        "invalid_arguments"
    )
    assert error_of(lambda: client.views_publish(user_id="U0ALICE", view=modal())) == (
        "invalid_arguments"
    )
    assert standin.home_view("UCASEBOT") is None


# response_url


def test_response_url_ephemeral_in_channel_and_replace(standin: SlackStandIn) -> None:
    url = standin.issue_response_url(user_id="U0ALICE", channel_id="C0DESKQ")
    answer = requests.post(url, json={"text": "Working on it"}, timeout=5)
    assert (answer.status_code, answer.text) == (200, "ok")
    (ephemeral,) = standin.ephemerals("U0ALICE")
    assert ephemeral.text == "Working on it" and ephemeral.channel == "C0DESKQ"
    requests.post(url, json={"text": "Case 42 opened", "response_type": "in_channel"}, timeout=5)
    (message,) = standin.messages("C0DESKQ")
    assert message.user == "UCASEBOT" and message.text == "Case 42 opened"
    bound = ephemeral.response_url
    requests.post(bound, json={"text": "Taken", "replace_original": True}, timeout=5)
    assert [e.text for e in standin.ephemerals("U0ALICE")] == ["Taken"]
    requests.post(bound, json={"delete_original": True}, timeout=5)
    assert standin.ephemerals("U0ALICE") == []


def test_response_url_on_a_message(standin: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0DESKQ", text="Case 42: [Take it]")["ts"]
    url = standin.issue_response_url(user_id="U0ALICE", channel_id="C0DESKQ", message_ts=ts)
    requests.post(
        url, json={"text": "Case 42: taken by Alice", "replace_original": True}, timeout=5
    )
    assert [m.text for m in standin.messages("C0DESKQ")] == ["Case 42: taken by Alice"]
    requests.post(url, json={"delete_original": True}, timeout=5)
    assert standin.messages("C0DESKQ") == []


def test_response_url_limits(standin: SlackStandIn, clock: FakeClock) -> None:
    url = standin.issue_response_url(user_id="U0ALICE", channel_id="C0DESKQ")
    for _ in range(5):
        assert requests.post(url, json={"text": "x"}, timeout=5).status_code == 200
    used = requests.post(url, json={"text": "x"}, timeout=5)
    assert (used.status_code, used.text) == (404, "used_url")
    fresh = standin.issue_response_url(user_id="U0ALICE", channel_id="C0DESKQ")
    assert requests.post(fresh, json={}, timeout=5).status_code == 400
    clock.advance(30 * 60 + 1)
    expired = requests.post(fresh, json={"text": "x"}, timeout=5)
    assert (expired.status_code, expired.text) == (404, "expired_url")


def test_respond_through_slack_sdk_webhook(standin: SlackStandIn) -> None:
    from slack_sdk.webhook import WebhookClient

    url = standin.issue_response_url(user_id="U0ALICE", channel_id="C0DESKQ")
    response = WebhookClient(url).send(text="from respond()", replace_original=False)
    assert response.status_code == 200
    assert standin.ephemerals("U0ALICE")[0].text == "from respond()"


# rate limits and faults


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[SlackStandIn]:
    s = served(clock, enforce_rate_limits=True)
    yield s
    s.close()


def test_rate_limits_by_tier(limited: SlackStandIn, clock: FakeClock) -> None:
    s = limited
    client = WebClient(token=TOKEN, base_url=s.api_url, retry_handlers=[])
    for _ in range(20):  # conversations.create is tier 2: 20 a minute
        client.conversations_create(name=f"c-{clock.now:.0f}-{len(s.calls)}")
    with pytest.raises(SlackApiError) as info:
        client.conversations_create(name="one-too-many")
    assert info.value.response.status_code == 429
    assert info.value.response["error"] == "ratelimited"
    assert int(info.value.response.headers["Retry-After"]) >= 1
    clock.advance(int(info.value.response.headers["Retry-After"]))
    assert client.conversations_create(name="after-waiting")["ok"]
    assert client.users_info(user="U0ALICE")["ok"]  # other methods have their own buckets


def test_post_message_is_per_channel_per_second(limited: SlackStandIn, clock: FakeClock) -> None:
    s = limited
    s.add_channel("C0OTHER", name="other", members=["UCASEBOT"])
    client = WebClient(token=TOKEN, base_url=s.api_url, retry_handlers=[])
    for _ in range(3):
        client.chat_postMessage(channel="C0DESKQ", text="burst")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0DESKQ", text="too fast")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C0OTHER", text="other channel")["ok"]
    clock.advance(1)
    assert client.chat_postMessage(channel="C0DESKQ", text="later")["ok"]


def test_fault_injection(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("chat.postMessage", status=429, retry_after=2, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C0DESKQ", text="x")
        assert info.value.response.status_code == 429
        assert info.value.response.headers["Retry-After"] == "2"
    assert client.chat_postMessage(channel="C0DESKQ", text="x")["ok"]
    standin.fail(method="chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0DESKQ", text="x")
    assert info.value.response.status_code == 500
    assert info.value.response["error"] == "internal_error"
    standin.fail("conversations.create", status=200, error="restricted_action")
    assert error_of(lambda: client.conversations_create(name="blocked")) == "restricted_action"
    assert client.conversations_create(name="not-blocked")["ok"]
    assert [c.status for c in standin.calls if c.method == "chat.postMessage"] == [
        429, 429, 200, 500
    ]  # fmt: skip
    with pytest.raises(ValueError):
        standin.fail("chat.postMessage", status=200)


def test_slack_sdk_retry_handler_recovers_from_a_429(standin: SlackStandIn) -> None:
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    standin.fail("chat.postMessage", status=429, retry_after=1)
    client = WebClient(token=TOKEN, base_url=standin.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])  # fmt: skip
    assert client.chat_postMessage(channel="C0DESKQ", text="eventually")["ok"]


def test_concurrent_callers_share_one_consistent_workspace(standin: SlackStandIn) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def post(n: int) -> str:
        client = WebClient(token=TOKEN, base_url=standin.api_url, retry_handlers=[])
        return str(client.chat_postMessage(channel="C0DESKQ", text=f"m{n}")["ts"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        stamps = list(pool.map(post, range(40)))
    assert len(set(stamps)) == 40
    posted = standin.messages("C0DESKQ")
    assert sorted(m.ts for m in posted) == [m.ts for m in posted] == sorted(stamps)
