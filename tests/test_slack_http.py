"""Casedesk as Slack meets it in HTTP mode: signed requests over real HTTP to /slack/events of a
threaded WSGI server, Bolt's own listener thread pool, the outbox dispatcher running, and a
stand-in Slack Web API on loopback that records every call the bot makes.

Nothing here uses the sandbox driver or `app.dispatch`: each request is bytes on a socket, and
each Slack effect is awaited with `eventually` (listeners run after the ack).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from bot.render.common import plain_when
from bot.sandbox.standin_state import Call
from bot.serve import wsgi_app
from bot.web_server import start_web_server
from store.models import OutboxItem
from tests.helpers import message_text
from tests.slack_http import (
    APP_ID,
    LEGACY_TOKEN,
    SlackDesk,
    eventually,
    signature,
    start_desk,
    submitted_values,
)

# Every test here serves the desk over HTTP on its own SQLite file (tests/slack_http.py).
pytestmark = pytest.mark.sqlite_pass_only

DANA = "U0DESK01"  # service desk
ALEX = "U0USER01"  # requester
PRIYA = "U0CC01"  # command-center on-call
KENJI = "U0NET01"  # network group
VPN_COMMAND = "new VPN drops every hour service=vpn urgency=medium for=<@U0USER01|alex>"
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")

P1_ANSWERS = {
    "requester_id": ALEX,
    "summary": "Email is down for everyone",
    "service": "email",
    "request_type": "incident",
    "category": "software",
    "impact_people": "everyone",
    "impact_groups": "customers",
    "impact_critical": "yes",
    "urgency": "high",
    "recent_change": "unknown",
}


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackDesk]:
    with start_desk(tmp_path) as desk:
        yield desk
    for call in desk.standin.calls:  # every refusal the bot met is one Slack documents
        if call.error:
            assert call.error in desk.standin.documented_errors(call.method), call


# -- small readers -----------------------------------------------------------------------------
def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**element, "block_id": block.get("block_id", "")}
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if element.get("type") == "button"
    ]


def open_intake_modal(slack: SlackDesk, user: str = DANA) -> dict[str, Any]:
    """`/case` over HTTP, then the modal as Slack holds it (with its id and hash)."""
    response = slack.command(user, "")
    assert response.status_code == 200, response.text
    top = eventually(lambda: slack.standin.view_stack(user), what="the intake modal")[-1]
    return {
        **top.view,
        "id": top.id,
        "hash": top.hash,
        "root_view_id": top.root_view_id,
        "previous_view_id": top.previous_view_id,
        "team_id": slack.team_id,
        "app_id": APP_ID,
    }


def view_submission(
    slack: SlackDesk, user: str, view: dict[str, Any], answers: dict[str, str]
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": slack.team(),
        "user": slack.user_ref(user),
        "api_app_id": APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": slack.standin.issue_trigger_id(user_id=user),
        "view": {**view, "state": {"values": submitted_values(view, answers)}},
        "response_urls": [],
        "is_enterprise_install": False,
    }


def click(
    slack: SlackDesk, user: str, *, channel: str, ts: str, button: dict[str, Any]
) -> requests.Response:
    """A block_actions payload for a button on a channel message, as Slack sends it."""
    payload = {
        "type": "block_actions",
        "team": slack.team(),
        "user": slack.user_ref(user),
        "api_app_id": APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": slack.standin.issue_trigger_id(user_id=user),
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel, "name": slack.standin.channel(channel).name},
        "message": {"type": "message", "ts": ts, "user": "UCASEBOT"},
        "response_url": slack.standin.issue_response_url(
            user_id=user, channel_id=channel, message_ts=ts
        ),
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": button["block_id"],
                "value": button.get("value", ""),
                "text": button["text"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return slack.interact(payload)


def queue_card(slack: SlackDesk, channel: str, ref: str) -> tuple[str, dict[str, Any]]:
    """The ts of the queue card for `ref` and its "Take it" button, once it is delivered."""

    def find() -> tuple[str, dict[str, Any]] | None:
        for message in slack.standin.messages(channel):
            if ref in message_text(message.text, message.blocks):
                take = [b for b in buttons(message.blocks) if b["text"]["text"] == "Take it"]
                if take:
                    return message.ts, take[0]
        return None

    return eventually(find, what=f"the queue card of {ref} in {channel}")


def only(calls: list[Call]) -> Call:
    assert len(calls) == 1, calls
    return calls[0]


# -- 1. the door: signatures, health, paths ----------------------------------------------------
@pytest.mark.parametrize("flaw", ["missing", "wrong", "stale"])
def test_unsigned_or_badly_signed_requests_get_401_and_change_nothing(
    slack: SlackDesk, flaw: str
) -> None:
    body = urlencode(slack.command_form(DANA, VPN_COMMAND))
    content = "application/x-www-form-urlencoded"
    if flaw == "missing":
        response = slack.post_raw(body, content, signed=False)
    elif flaw == "wrong":
        stamp = str(int(time.time()))
        forged = signature("not-the-signing-secret", stamp, body)
        response = slack.post_raw(body, content, timestamp=stamp, signature_header=forged)
    else:  # correctly signed, but six minutes old: a replay
        stamp = str(int(time.time()) - 6 * 60)
        response = slack.post_raw(body, content, timestamp=stamp)
    assert response.status_code == 401, response.text
    assert "CASE-" not in response.text
    assert slack.case_count() == 0 and slack.outbox_count() == 0
    assert [c.method for c in slack.standin.calls] == ["auth.test"], "only the start-up check"

    control = slack.post_raw(body, content)  # the same request, signed properly, is served
    assert control.status_code == 200 and "CASE-1001" in control.text


def test_healthz_answers_json_and_other_paths_are_404(slack: SlackDesk) -> None:
    health = requests.get(slack.url + "/healthz", timeout=10)
    assert health.status_code == 200
    assert health.headers["Content-Type"] == "application/json"
    assert health.json() == {"ok": True, "mode": "http"}
    assert requests.get(slack.url + "/nope", timeout=10).status_code == 404
    assert requests.post(slack.url + "/slack/other", data=b"x", timeout=10).status_code == 404
    assert requests.get(slack.url + "/slack/events", timeout=10).status_code == 404


# -- 2. /case new: the ack is the answer, the outbox does the rest -----------------------------
def test_intake_1_intake_3_route_2_case_new_over_http_records_and_answers(
    slack: SlackDesk,
) -> None:
    response = slack.command(DANA, VPN_COMMAND)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["text"] == "Recorded CASE-1001"
    assert answer.get("response_type", "ephemeral") == "ephemeral", "only the caller sees it"
    shown = message_text(answer["text"], answer["blocks"])
    assert "*CASE-1001*" in shown and "Network Operations" in shown
    (complete,) = buttons(answer["blocks"])
    assert complete["text"]["text"] == "Complete the classification"
    assert (complete["action_id"], complete["value"]) == ("case_complete", "1001")

    case = slack.case(1001)
    assert (case.requester_id, case.reporter_id) == (ALEX, DANA), "the escaped mention is read"
    assert (case.service_key, case.group_key, case.state) == ("vpn", "network", "pending")

    card = eventually(lambda: slack.posts_to("C0NETQ"), what="the queue card")
    assert "CASE-1001" in message_text(card[0].args["text"], card[0].args["blocks"])
    dm = eventually(lambda: slack.posts_to(ALEX), what="the requester's DM")
    due = next(c.due_at for c in case.clocks if c.metric == "first_response")
    assert due is not None, "INTAKE-3: the first-response clock runs"
    dm_text = message_text(dm[0].args["text"], dm[0].args["blocks"])
    assert "CASE-1001" in dm_text
    assert plain_when(due) in dm_text, "INTAKE-3: the first-response time"
    assert f"<!date^{int(due.timestamp())}^" in dm_text, "shown in the reader's own time zone"
    assert slack.dm_texts(ALEX) == [dm_text], "one DM, as sent"


# -- 3. /case: the intake modal, and a trigger that came too late ------------------------------
def test_intake_1_bare_case_command_opens_the_intake_modal(slack: SlackDesk) -> None:
    trigger = slack.standin.issue_trigger_id(user_id=DANA)
    response = slack.command(DANA, "", trigger_id=trigger)

    assert response.status_code == 200 and response.text == "", "an empty ack: the modal speaks"
    opened = only(eventually(lambda: slack.calls("views.open"), what="views.open"))
    assert opened.ok and opened.args["trigger_id"] == trigger
    (view,) = slack.standin.view_stack(DANA)
    assert view.view["callback_id"] == "intake" and view.view["type"] == "modal"
    inputs = {b["block_id"] for b in view.view["blocks"] if b["type"] == "input"}
    assert {"requester_id", "summary", "service", "urgency", "impact_people"} <= inputs
    assert slack.case_count() == 0


def test_intake_1_an_expired_trigger_says_the_form_could_not_open(slack: SlackDesk) -> None:
    trigger = slack.standin.issue_trigger_id(user_id=DANA)
    slack.clock.advance(4)  # Slack's trigger_id lives 3 seconds

    response = slack.command(DANA, "", trigger_id=trigger)

    assert response.status_code == 200
    answer = response.json()
    assert "could not open" in answer["text"] and "/case new" in answer["text"]
    failed = only(slack.calls("views.open"))
    assert (failed.ok, failed.error) == (False, "expired_trigger_id")
    assert slack.standin.view_stack(DANA) == []
    assert slack.case_count() == 0 and slack.outbox_count() == 0


# -- 4. the modal submitted: a P1 goes to the command center -----------------------------------
def test_route_1_p1_modal_submission_over_http_opens_the_major_incident_path(
    slack: SlackDesk,
) -> None:
    view = open_intake_modal(slack)

    response = slack.interact(view_submission(slack, DANA, view, P1_ANSWERS))

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "update"
    assert "CASE-1001" in message_text("", answer["view"]["blocks"])
    slack.standin.apply_view_response(DANA, view["id"], answer)  # Slack accepts the new view
    case = slack.case(1001)
    assert (case.priority, case.is_major, case.group_key) == ("P1", True, "command-center")

    created = eventually(
        lambda: slack.calls("conversations.create", ok=True), what="conversations.create"
    )
    name = only(created).args["name"]
    assert CHANNEL_NAME.match(name) and name.startswith("case-1001-"), name
    channel = eventually(lambda: slack.standin.channel_by_name(name), what="the case channel")
    invited = eventually(
        lambda: [
            c
            for c in slack.calls("conversations.invite", ok=True)
            if c.args["channel"] == channel.id and PRIYA in str(c.args["users"]).split(",")
        ],
        what="the on-call invited to the case channel",
    )
    assert invited
    brief = eventually(lambda: slack.posts_to(channel.id), what="the handoff brief")
    pinned = eventually(lambda: slack.calls("pins.add", ok=True), what="pins.add")
    assert only(pinned).args["channel"] == channel.id
    assert only(pinned).args["timestamp"] == slack.standin.messages(channel.id)[0].ts
    assert "Handoff brief" in brief[0].args["text"]
    broadcast = eventually(lambda: slack.posts_to("C0MAJOR"), what="the broadcast")
    assert "Major incident CASE-1001" in message_text("", broadcast[0].args["blocks"])
    assert eventually(lambda: slack.posts_to("C0CMDQ"), what="the command-center queue card")
    page = eventually(lambda: slack.posts_to(PRIYA), what="the page to the on-call")
    assert "Page: CASE-1001" in message_text(page[0].args["text"], page[0].args["blocks"])
    assert any("Page: CASE-1001" in t for t in slack.dm_texts(PRIYA))
    assert PRIYA in slack.standin.channel(channel.id).members


# -- 5. a submission missing required answers --------------------------------------------------
def test_intake_1_submission_missing_required_fields_gets_field_errors(slack: SlackDesk) -> None:
    view = open_intake_modal(slack)

    response = slack.interact(view_submission(slack, DANA, view, {"summary": ""}))

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {
        "summary",
        "service",
        "request_type",
        "category",
        "impact_people",
        "impact_groups",
        "impact_critical",
        "urgency",
        "recent_change",
    }
    assert "summary is required" in answer["errors"]["summary"]
    slack.standin.apply_view_response(DANA, view["id"], answer)  # errors name real input blocks
    assert slack.case_count() == 0 and slack.outbox_count() == 0
    assert slack.calls("chat.postMessage") == []


# -- 6. "Take it" on the queue card ------------------------------------------------------------
def test_route_2_take_it_edits_the_queue_card_in_place(slack: SlackDesk) -> None:
    assert slack.command(DANA, VPN_COMMAND).status_code == 200
    ts, take = queue_card(slack, "C0NETQ", "CASE-1001")
    assert take["value"] == "1001" and take["action_id"] == "case_take"

    response = click(slack, KENJI, channel="C0NETQ", ts=ts, button=take)

    assert response.status_code == 200 and response.text == "", "acked at once, empty"
    updated = eventually(
        lambda: [
            c for c in slack.calls("chat.update", ok=True) if c.args.get("channel") == "C0NETQ"
        ],
        what="chat.update of the queue card",
    )
    assert only(updated).args["ts"] == ts, "the same message is edited"
    assert len(slack.posts_to("C0NETQ")) == 1, "not re-posted"
    (card,) = [m for m in slack.standin.messages("C0NETQ") if not m.thread_ts]
    assert card.ts == ts and card.edited
    assert "Take it" not in message_text(card.text, card.blocks)
    told = eventually(lambda: slack.ephemeral_texts(KENJI), what="the taker's answer")
    assert "You took CASE-1001" in told[-1]
    assert slack.case(1001).state == "assigned"
    assert eventually(lambda: any("handled by" in t for t in slack.dm_texts(ALEX)))


def test_route_2_take_it_by_a_non_member_is_answered_through_response_url(
    slack: SlackDesk,
) -> None:
    assert slack.command(DANA, VPN_COMMAND).status_code == 200
    ts, take = queue_card(slack, "C0NETQ", "CASE-1001")
    eventually(lambda: slack.posts_to(ALEX), what="intake notices delivered")

    response = click(slack, ALEX, channel="C0NETQ", ts=ts, button=take)

    assert response.status_code == 200
    told = eventually(lambda: slack.ephemeral_texts(ALEX), what="the refusal")
    assert "Only members of Network Operations can take CASE-1001" in told[-1]
    assert slack.calls("chat.postEphemeral") == [], "answered through the response_url"
    assert slack.case(1001).state == "pending"
    assert slack.calls("chat.update") == []
    assert len(slack.posts_to("C0NETQ")) == 1


# -- 7. Slack rate-limits a post ---------------------------------------------------------------
def test_outbox_post_answered_429_is_retried_after_retry_after_and_arrives_once(
    slack: SlackDesk,
) -> None:
    slack.standin.fail("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()

    assert slack.command(DANA, VPN_COMMAND).status_code == 200

    limited = eventually(lambda: slack.calls("chat.postMessage", ok=False), what="the 429")
    assert (limited[0].status, limited[0].error) == (429, "ratelimited")
    channel = str(limited[0].args["channel"])
    eventually(lambda: slack.posts_to(channel), what=f"the retried post to {channel}")
    assert time.monotonic() - started >= 1.0, "Retry-After: 1 is honoured"

    def all_delivered() -> list[OutboxItem] | None:
        items = slack.outbox()
        return items if items and all(i.status == "delivered" for i in items) else None

    # Nothing is left to deliver, so no duplicate can still arrive.
    settled = eventually(all_delivered, what="every outbox item delivered")
    retried = [i for i in settled if i.attempts > 1]
    assert [(i.attempts, i.last_error) for i in retried] == [(2, "ratelimited")]
    assert len(slack.posts_to(channel)) == 1, "exactly once"
    assert slack.posts_to(ALEX) and slack.posts_to("C0NETQ")
    assert len(slack.standin.messages(slack.standin.dm_channel_id(ALEX))) == 1
    assert len([m for m in slack.standin.messages("C0NETQ") if not m.thread_ts]) == 1
    refused = [c.error for c in slack.calls("chat.postMessage", ok=False)]
    assert refused.count("ratelimited") == 1, refused


# -- 8. the message shortcut -------------------------------------------------------------------
def test_intake_1_message_shortcut_gets_the_permalink_and_prefills_the_form(
    slack: SlackDesk,
) -> None:
    text = "The printer on floor 2 is offline\nSince 9am, the whole team is affected"
    message = slack.standin.post_as_user(ALEX, "C0ITHELP", text)
    payload = {
        "type": "message_action",
        "token": LEGACY_TOKEN,
        "action_ts": f"{time.time():.6f}",
        "team": slack.team(),
        "user": slack.user_ref(DANA),
        "channel": {"id": "C0ITHELP", "name": "it-help"},
        "is_enterprise_install": False,
        "callback_id": "open_case_from_message",
        "trigger_id": slack.standin.issue_trigger_id(user_id=DANA),
        "response_url": slack.standin.issue_response_url(user_id=DANA, channel_id="C0ITHELP"),
        "message_ts": message.ts,
        "message": {"type": "message", "user": ALEX, "ts": message.ts, "text": text},
    }

    response = slack.interact(payload)

    assert response.status_code == 200 and response.text == ""
    eventually(lambda: slack.calls("views.open"), what="views.open")
    methods = [c.method for c in slack.standin.calls]
    assert methods.index("chat.getPermalink") < methods.index("views.open")
    link_call = only(slack.calls("chat.getPermalink", ok=True))
    assert (link_call.args["channel"], link_call.args["message_ts"]) == ("C0ITHELP", message.ts)
    assert only(slack.calls("views.open")).ok
    (view,) = slack.standin.view_stack(DANA)
    blocks = {b.get("block_id"): b for b in view.view["blocks"] if b["type"] == "input"}
    assert blocks["description"]["element"]["initial_value"] == text
    assert blocks["summary"]["element"]["initial_value"] == "The printer on floor 2 is offline"
    assert blocks["requester_id"]["element"]["initial_user"] == ALEX
    assert message.permalink in json.dumps(view.view["blocks"])
    assert json.loads(view.view["private_metadata"])["link"] == message.permalink


# -- events arrive as JSON ---------------------------------------------------------------------
def test_app_home_opened_event_as_json_publishes_the_home_tab(slack: SlackDesk) -> None:
    envelope = {
        "token": LEGACY_TOKEN,
        "team_id": slack.team_id,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": "Ev0HOME0001",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": DANA,
            "tab": "home",
            "channel": slack.standin.dm_channel_id(DANA),
            "event_ts": f"{time.time():.6f}",
        },
    }

    response = slack.event(envelope)

    assert response.status_code == 200
    published = eventually(lambda: slack.calls("views.publish", ok=True), what="views.publish")
    assert only(published).args["user_id"] == DANA
    home = slack.standin.home_view(DANA)
    assert home is not None and home["type"] == "home"


# -- found while testing over HTTP -------------------------------------------------------------
def test_route_2_two_members_clicking_take_it_at_once_one_wins(slack: SlackDesk) -> None:
    assert slack.command(DANA, VPN_COMMAND).status_code == 200
    ts, take = queue_card(slack, "C0NETQ", "CASE-1001")
    olga = "U0NET02"
    answers: dict[str, requests.Response] = {}
    barrier = threading.Barrier(2)

    def press(user: str) -> None:
        barrier.wait()
        answers[user] = click(slack, user, channel="C0NETQ", ts=ts, button=take)

    pressers = [threading.Thread(target=press, args=(u,)) for u in (KENJI, olga)]
    for thread in pressers:
        thread.start()
    for thread in pressers:
        thread.join(timeout=15)

    assert {u: r.status_code for u, r in answers.items()} == {KENJI: 200, olga: 200}

    def both_answered() -> list[str] | None:
        texts = slack.ephemeral_texts(KENJI) + slack.ephemeral_texts(olga)
        return texts if len(texts) == 2 else None

    told = eventually(both_answered, what="both clickers answered")
    assert sum("You took CASE-1001" in t for t in told) == 1, told
    assert sum("already taken" in t for t in told) == 1, told
    winner = slack.case(1001).coordinator_id
    assert winner in (KENJI, olga) and slack.case(1001).state == "assigned"
    assert any("You took" in t for t in slack.ephemeral_texts(winner))
    eventually(lambda: slack.calls("chat.update", ok=True), what="the card edited")
    assert len([m for m in slack.standin.messages("C0NETQ") if not m.thread_ts]) == 1


def test_route_2_take_refusal_names_the_supervisor_as_a_mention(slack: SlackDesk) -> None:
    assert slack.command(DANA, VPN_COMMAND).status_code == 200
    ts, take = queue_card(slack, "C0NETQ", "CASE-1001")

    click(slack, ALEX, channel="C0NETQ", ts=ts, button=take)

    refusal = eventually(lambda: slack.standin.ephemerals(ALEX), what="the refusal")[-1]
    shown = message_text("", refusal.blocks)
    assert "Only members of Network Operations" in shown
    assert "&lt;@" not in shown, f"the mention is escaped into literal text: {shown!r}"
    assert "<@U0NET02>" in shown


def test_intake_1_case_new_accepts_an_apostrophe_in_the_summary(slack: SlackDesk) -> None:
    response = slack.command(DANA, "new Outlook won't open service=email")

    assert response.status_code == 200
    assert response.json()["text"] == "Recorded CASE-1001", response.json()["text"]
    assert slack.case(1001).summary == "Outlook won't open"


def test_socket_mode_serves_the_web_pages_on_port_but_not_slack_events(slack: SlackDesk) -> None:
    """In Socket Mode the bot still listens on PORT (alerts, pages, the health probe), while
    Slack's events come over the socket only: a POST to /slack/events there is not served."""
    web = start_web_server(wsgi_app(slack.runtime, slack_events=False), host="127.0.0.1", port=0)
    try:
        url = f"http://127.0.0.1:{web.port}"
        assert requests.get(url + "/healthz", timeout=10).json() == {"ok": True, "mode": "http"}
        refused = requests.post(url + "/slack/events", data=b"{}", timeout=10)
        assert (refused.status_code, refused.text) == (
            404,
            "not found: in Socket Mode Slack's events arrive over the socket",
        )
    finally:
        web.stop()
