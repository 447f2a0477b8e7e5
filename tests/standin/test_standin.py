"""The Slack stand-in, driven through a real slack_sdk WebClient over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from slack_sdk import WebClient

from bot.sandbox import slack_methods_build
from bot.sandbox.standin import SlackStandIn
from tests.standin.conftest import TOKEN, FakeClock, error_of, refused

SHARED_METHODS = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "slack-api-methods"
)


def make_standin(clock: FakeClock, *, enforce_rate_limits: bool = False) -> SlackStandIn:
    s = SlackStandIn(
        bot_token=TOKEN,
        team_id="T0CASEDESK",
        team_domain="casedesk-sandbox",
        bot_user_id="UCASEBOT",
        enforce_rate_limits=enforce_rate_limits,
        clock=clock,
    )
    s.add_user("U0ALICE", name="alice", real_name="Alice Ames", tz="Europe/London",
               email="alice@example.org")  # fmt: skip
    s.add_user("U0BOB", name="bob", real_name="Bob Brown", email="bob@example.org")
    s.add_channel("C0DESKQ", name="desk-queue", members=["U0ALICE", "UCASEBOT"])
    s.add_channel("C0HELP", name="it-help", members=["U0ALICE"])
    s.add_channel("C0SECRET", name="secret-room", members=["U0ALICE"], is_private=True)
    return s


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[SlackStandIn]:
    s = make_standin(clock)
    server = s.serve(host="127.0.0.1", port=0)
    yield s
    server.close()
    for call in s.calls:
        if call.error and call.error != "unknown_method":
            assert call.error in s.documented_errors(call.method), call


# auth and dispatch


def test_auth_test_and_token_checks(standin: SlackStandIn, client: WebClient) -> None:
    me = client.auth_test()
    assert me["user_id"] == "UCASEBOT" and me["team_id"] == "T0CASEDESK"
    assert me["url"] == "https://casedesk-sandbox.slack.com/"
    wrong = WebClient(token="xoxb-wrong", base_url=standin.api_url, retry_handlers=[])
    assert error_of(wrong.auth_test) == "invalid_auth"
    anonymous = WebClient(base_url=standin.api_url, retry_handlers=[])
    assert error_of(anonymous.auth_test) == "not_authed"


def test_token_as_form_field_works_but_not_in_a_json_body(standin: SlackStandIn) -> None:
    url = standin.api_url + "auth.test"
    assert requests.post(url, data={"token": TOKEN}, timeout=5).json()["ok"] is True
    answer = requests.post(url, json={"token": TOKEN}, timeout=5).json()
    assert answer == {"ok": False, "error": "not_authed"}


def test_unknown_method_is_404(standin: SlackStandIn) -> None:
    answer = requests.post(
        standin.api_url + "chat.postMessages",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert answer.status_code == 404
    assert answer.json() == {"ok": False, "error": "unknown_method"}


def test_calls_are_recorded_without_the_token(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C0DESKQ", text="hi")
    error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="hi"))
    first, second = standin.calls[-2:]
    assert (first.method, first.ok, first.status, first.error) == (
        "chat.postMessage", True, 200, None
    )  # fmt: skip
    assert first.args == {"channel": "C0DESKQ", "text": "hi"}
    assert (second.ok, second.error) == (False, "channel_not_found")


def test_missing_required_arguments(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("chat.postMessage", json={"text": "x"})) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.api_call("conversations.create", json={})) == (
        "invalid_name_required"
    )
    missing_view = refused(lambda: client.api_call("views.publish", json={"user_id": "U0ALICE"}))
    assert missing_view["error"] == "invalid_arguments"
    assert "view" in missing_view["response_metadata"]["messages"][0]


# chat.*


def test_post_update_delete_round_trip(standin: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0DESKQ", text="New case *42*")
    ts = posted["ts"]
    assert posted["channel"] == "C0DESKQ" and posted["message"]["text"] == "New case *42*"
    other = client.chat_postMessage(channel="C0DESKQ", text="second")
    assert float(other["ts"]) > float(ts)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Taken by <@U0ALICE>"}}]
    updated = client.chat_update(channel="C0DESKQ", ts=ts, text="Taken", blocks=blocks)
    assert updated["ts"] == ts
    messages = standin.messages("C0DESKQ")
    assert [m.ts for m in messages] == [ts, other["ts"]]
    assert messages[0].edited and messages[0].blocks == blocks and messages[0].user == "UCASEBOT"
    assert messages[0].permalink.endswith(f"/archives/C0DESKQ/p{ts.replace('.', '')}")
    client.chat_update(channel="C0DESKQ", ts=ts, text="text only")
    assert standin.messages("C0DESKQ")[0].blocks == blocks
    client.chat_delete(channel="C0DESKQ", ts=ts)
    assert [m.ts for m in standin.messages("C0DESKQ")] == [other["ts"]]
    assert error_of(lambda: client.chat_delete(channel="C0DESKQ", ts=ts)) == "message_not_found"


def test_post_targets(standin: SlackStandIn, client: WebClient) -> None:
    to_user = client.chat_postMessage(channel="U0ALICE", text="hello")
    dm = standin.dm_channel_id("U0ALICE")
    assert dm.startswith("D") and to_user["channel"] == dm
    assert standin.messages(dm)[0].text == "hello"
    by_name = client.chat_postMessage(channel="#desk-queue", text="by name")
    assert by_name["channel"] == "C0DESKQ"
    public_not_member = client.chat_postMessage(channel="C0HELP", text="chat:write.public")
    assert public_not_member["ok"]
    assert error_of(lambda: client.chat_postMessage(channel="C0SECRET", text="x")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="x")) == (
        "channel_not_found"
    )


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_refusals(standin: SlackStandIn, client: WebClient) -> None:
    assert error_of(lambda: client.chat_postMessage(channel="C0DESKQ")) == "no_text"
    too_long = "x" * 40_001
    assert error_of(lambda: client.chat_postMessage(channel="C0DESKQ", text=too_long)) == (
        "msg_too_long"
    )
    standin.add_channel("C0OLD", name="old-cases", members=["UCASEBOT"], is_archived=True)
    assert error_of(lambda: client.chat_postMessage(channel="C0OLD", text="x")) == "is_archived"


def test_threads_land_on_the_parent(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C0DESKQ", text="case")["ts"]
    human = standin.post_as_user("U0ALICE", "C0DESKQ", "looking", thread_ts=parent)
    reply = client.chat_postMessage(channel="C0DESKQ", text="noted", thread_ts=human.ts)
    assert reply["message"]["thread_ts"] == parent
    link = client.chat_getPermalink(channel="C0DESKQ", message_ts=reply["ts"])["permalink"]
    assert link.startswith("https://casedesk-sandbox.slack.com/archives/C0DESKQ/p")
    assert f"thread_ts={parent}" in link


def test_cannot_update_or_delete_other_peoples_messages(
    standin: SlackStandIn, client: WebClient
) -> None:
    human = standin.post_as_user("U0ALICE", "C0DESKQ", "mine")
    assert error_of(lambda: client.chat_update(channel="C0DESKQ", ts=human.ts, text="x")) == (
        "cant_update_message"
    )
    assert error_of(lambda: client.chat_delete(channel="C0DESKQ", ts=human.ts)) == (
        "cant_delete_message"
    )
    assert error_of(lambda: client.chat_update(channel="C0DESKQ", ts="1.000001", text="x")) == (
        "message_not_found"
    )


def test_ephemeral_messages(standin: SlackStandIn, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel="C0DESKQ", user="U0ALICE", text="only you")
    (ephemeral,) = standin.ephemerals("U0ALICE")
    assert ephemeral.ts == answer["message_ts"] and ephemeral.channel == "C0DESKQ"
    assert ephemeral.response_url.startswith(standin.api_url.removesuffix("api/") + "response/")
    assert error_of(
        lambda: client.chat_postEphemeral(channel="C0DESKQ", user="U0BOB", text="x")
    ) == ("user_not_in_channel")
    dm = standin.dm_channel_id("U0BOB")
    client.chat_postEphemeral(channel=dm, user="U0BOB", text="in the DM")
    assert [e.text for e in standin.ephemerals("U0BOB")] == ["in the DM"]
    assert standin.messages("C0DESKQ") == []


BUTTON = {"type": "button", "text": {"type": "plain_text", "text": "Take it"}, "action_id": "take"}


@pytest.mark.parametrize(
    ("blocks", "where"),
    [
        ([{"type": "divider"}] * 51, "/blocks"),
        ([{"type": "table"}], "/blocks/0/type"),
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "/blocks/0/text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], "/blocks/0"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], "/blocks/0/text/type"),
        (
            [{"type": "actions", "elements": [{**BUTTON, "text": {"type": "plain_text",
                                                                   "text": "x" * 76}}]}],
            "/blocks/0/elements/0/text",
        ),
        ([{"type": "actions", "elements": [{**BUTTON, "value": "v" * 2001}]}], "/value"),
        ([{"type": "actions", "elements": [{**BUTTON, "action_id": "a" * 256}]}], "/action_id"),
        ([{"type": "divider", "block_id": "b" * 256}], "/blocks/0/block_id"),
        ([{"type": "divider", "block_id": "x"}] * 2, "/1/block_id"),
        ([{"type": "actions", "elements": [BUTTON, BUTTON]}], "/elements/1/action_id"),
        ([{"type": "actions", "elements": [{**BUTTON, "action_id": str(i)} for i in range(26)]}],
         "/elements"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}], "/elements"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}], "/fields"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}], "/fields/0"),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "pick"}, "accessory": {
                "type": "static_select", "action_id": "s",
                "options": [{"text": {"type": "plain_text", "text": "x" * 76}, "value": "v"}]}}],
            "/accessory/options/0/text",
        ),
        (
            [{"type": "section", "text": {"type": "mrkdwn", "text": "pick"}, "accessory": {
                "type": "static_select", "action_id": "s",
                "options": [{"text": {"type": "plain_text", "text": "x"}, "value": "v" * 151}]}}],
            "/accessory/options/0/value",
        ),
    ],
)  # fmt: skip
def test_block_limits(client: WebClient, blocks: list[dict[str, Any]], where: str) -> None:
    answer = refused(lambda: client.chat_postMessage(channel="C0DESKQ", text="x", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert any(where in problem for problem in answer["errors"]), answer["errors"]
    assert answer["response_metadata"]["messages"][0].startswith("[ERROR] ")


def test_blocks_arrive_as_form_json_too(standin: SlackStandIn) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}, {"type": "divider"}]
    answer = requests.post(
        standin.api_url + "chat.postMessage",
        data={"token": TOKEN, "channel": "C0DESKQ", "blocks": json.dumps(blocks)},
        timeout=5,
    ).json()
    assert answer["ok"], answer
    assert standin.messages("C0DESKQ")[0].blocks == blocks
    bad = requests.post(
        standin.api_url + "chat.postMessage",
        data={"token": TOKEN, "channel": "C0DESKQ", "blocks": "[{not json"},
        timeout=5,
    ).json()
    assert bad == {"ok": False, "error": "invalid_blocks_format"}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_update_and_ephemeral_check_blocks(client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0DESKQ", text="x")["ts"]
    bad = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    assert error_of(lambda: client.chat_update(channel="C0DESKQ", ts=ts, blocks=bad)) == (
        "invalid_blocks"
    )
    assert error_of(
        lambda: client.chat_postEphemeral(channel="C0DESKQ", user="U0ALICE", blocks=bad)
    ) == ("invalid_blocks")


# conversations.*


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("Case-42", "invalid_name_specials"),
        ("case 42", "invalid_name_specials"),
        ("case.42", "invalid_name_specials"),
        ("desk-queue", "name_taken"),
    ],
)
def test_channel_name_rules(client: WebClient, name: str, error: str) -> None:
    assert error_of(lambda: client.conversations_create(name=name)) == error


def test_create_rename_and_topics(standin: SlackStandIn, client: WebClient) -> None:
    created = client.conversations_create(name="case-42_vpn", is_private=True)["channel"]
    assert created["id"].startswith("C") and created["id"][1:].isalnum()
    assert created["id"].upper() == created["id"]
    assert (created["name"], created["is_private"], created["is_member"]) == (
        "case-42_vpn", True, True
    )  # fmt: skip
    assert created["creator"] == "UCASEBOT"
    assert len("c" * 80) == 80 and client.conversations_create(name="c" * 80)["ok"]
    channel_id = created["id"]
    assert error_of(lambda: client.conversations_rename(channel=channel_id, name="it-help")) == (
        "name_taken"
    )
    client.conversations_rename(channel=channel_id, name="case-42-renamed")
    client.conversations_setTopic(channel=channel_id, topic="VPN down")
    client.conversations_setPurpose(channel=channel_id, purpose="Case 42")
    assert error_of(lambda: client.conversations_setTopic(channel=channel_id, topic="x" * 251)) == (
        "too_long"
    )
    channel = standin.channel(channel_id)
    assert (channel.name, channel.topic, channel.purpose) == (
        "case-42-renamed",
        "VPN down",
        "Case 42",
    )
    assert standin.channel_by_name("case-42-renamed") == channel
    assert error_of(lambda: client.conversations_setTopic(channel="C0HELP", topic="x")) == (
        "not_in_channel"
    )
    client.conversations_archive(channel=channel_id)
    assert standin.channel(channel_id).is_archived
    assert error_of(lambda: client.conversations_archive(channel=channel_id)) == "already_archived"
    assert error_of(lambda: client.conversations_setTopic(channel=channel_id, topic="x")) == (
        "is_archived"
    )


def test_invite_and_kick(standin: SlackStandIn, client: WebClient) -> None:
    channel_id = client.conversations_create(name="case-7")["channel"]["id"]
    client.conversations_invite(channel=channel_id, users=["U0ALICE", "U0BOB"])
    assert standin.channel(channel_id).members == ["UCASEBOT", "U0ALICE", "U0BOB"]
    assert error_of(lambda: client.conversations_invite(channel=channel_id, users="U0ALICE")) == (
        "already_in_channel"
    )
    assert error_of(lambda: client.conversations_invite(channel=channel_id, users="U0NOBODY")) == (
        "user_not_found"
    )
    assert error_of(lambda: client.conversations_invite(channel=channel_id, users="UCASEBOT")) == (
        "cant_invite_self"
    )
    assert error_of(lambda: client.conversations_invite(channel="C0HELP", users="U0BOB")) == (
        "not_in_channel"
    )
    client.conversations_kick(channel=channel_id, user="U0BOB")
    assert "U0BOB" not in standin.channel(channel_id).members
    assert error_of(lambda: client.conversations_kick(channel=channel_id, user="U0BOB")) == (
        "not_in_channel"
    )
    client.conversations_archive(channel=channel_id)
    assert error_of(lambda: client.conversations_invite(channel=channel_id, users="U0BOB")) == (
        "is_archived"
    )


def test_join_info_list_members(standin: SlackStandIn, client: WebClient) -> None:
    assert client.conversations_info(channel="C0HELP")["channel"]["is_member"] is False
    client.conversations_join(channel="C0HELP")
    assert "UCASEBOT" in standin.channel("C0HELP").members
    assert error_of(lambda: client.conversations_info(channel="C0SECRET")) == "channel_not_found"
    assert error_of(lambda: client.conversations_join(channel="C0SECRET")) == "channel_not_found"
    names = [c["name"] for c in client.conversations_list()["channels"]]
    assert names == ["desk-queue", "it-help"]
    first = client.conversations_list(limit=1)
    assert len(first["channels"]) == 1
    rest = client.conversations_list(limit=1, cursor=first["response_metadata"]["next_cursor"])
    assert rest["channels"][0]["name"] == "it-help"
    assert rest["response_metadata"]["next_cursor"] == ""
    assert error_of(lambda: client.conversations_list(types="rooms")) == "invalid_types"
    members = client.conversations_members(channel="C0DESKQ")["members"]
    assert members == ["U0ALICE", "UCASEBOT"]


def test_pins_and_reactions(standin: SlackStandIn, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0DESKQ", text="pin me")["ts"]
    client.pins_add(channel="C0DESKQ", timestamp=ts)
    assert standin.channel("C0DESKQ").pins == [ts] and standin.messages("C0DESKQ")[0].pinned
    assert error_of(lambda: client.pins_add(channel="C0DESKQ", timestamp=ts)) == "already_pinned"
    assert error_of(lambda: client.pins_add(channel="C0DESKQ", timestamp="1.000002")) == (
        "message_not_found"
    )
    public = client.chat_postMessage(channel="C0HELP", text="not a member")["ts"]
    assert error_of(lambda: client.pins_add(channel="C0HELP", timestamp=public)) == (
        "not_in_channel"
    )
    client.reactions_add(channel="C0DESKQ", timestamp=ts, name=":eyes:")
    assert standin.messages("C0DESKQ")[0].reactions == {"eyes": ["UCASEBOT"]}
    assert error_of(lambda: client.reactions_add(channel="C0DESKQ", timestamp=ts, name="eyes")) == (
        "already_reacted"
    )


def test_bookmarks(standin: SlackStandIn, client: WebClient) -> None:
    client.bookmarks_add(channel_id="C0DESKQ", title="Runbook", type="link", link="https://x.test")
    assert [b.title for b in standin.bookmarks("C0DESKQ")] == ["Runbook"]
    assert error_of(
        lambda: client.bookmarks_add(channel_id="C0DESKQ", title="x", type="link", link="ftp://x")
    ) == ("invalid_link")


# users and groups


def test_users(client: WebClient) -> None:
    alice = client.users_info(user="U0ALICE")["user"]
    assert alice["real_name"] == "Alice Ames" and alice["profile"]["email"] == "alice@example.org"
    assert alice["tz"] == "Europe/London" and alice["tz_offset"] in (0, 3600)
    assert alice["is_bot"] is False and alice["deleted"] is False
    assert error_of(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"
    assert client.users_lookupByEmail(email="BOB@example.org")["user"]["id"] == "U0BOB"
    assert error_of(lambda: client.users_lookupByEmail(email="x@y.z")) == "users_not_found"
    ids = [m["id"] for m in client.users_list()["members"]]
    assert ids == ["UCASEBOT", "U0ALICE", "U0BOB"]


def test_usergroups(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_usergroup("S0DESK", handle="desk", users=["U0ALICE", "U0BOB"])
    groups = client.usergroups_list(include_users=True)["usergroups"]
    assert [(g["id"], g["handle"], g["users"]) for g in groups] == [
        ("S0DESK", "desk", ["U0ALICE", "U0BOB"])
    ]
    assert client.usergroups_users_list(usergroup="S0DESK")["users"] == ["U0ALICE", "U0BOB"]
    assert error_of(lambda: client.usergroups_users_list(usergroup="S0NONE")) == "no_such_subteam"
    standin.set_usergroups_plan(available=False)
    for call in (
        lambda: client.usergroups_users_list(usergroup="S0DESK"),
        lambda: client.usergroups_list(),
    ):
        assert error_of(call) == "plan_upgrade_required"


# the shipped method table


def test_method_table_matches_the_shared_reference() -> None:
    if not SHARED_METHODS.is_dir():
        pytest.skip("shared Slack method reference not present")
    built = slack_methods_build.render(slack_methods_build.build(SHARED_METHODS))
    assert slack_methods_build.OUTPUT.read_text(encoding="utf-8") == built


def test_method_table_covers_every_handled_method(standin: SlackStandIn) -> None:
    table = json.loads(slack_methods_build.OUTPUT.read_text(encoding="utf-8"))
    assert table["views.open"]["required"] == ["view", "trigger_id|interactivity_pointer"]
    assert table["chat.postMessage"]["tier"] == "t5"
    for method in ("auth.test", "chat.postMessage", "views.publish", "bookmarks.add"):
        assert standin.documented_errors(method) >= {"invalid_auth", "not_authed"}
