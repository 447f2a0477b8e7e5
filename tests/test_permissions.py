"""PERM-1: every action is checked on the server against the configured roles, and a refusal
names the role needed and who holds it."""

from __future__ import annotations

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, cases, events, fill_and_submit, last_ephemeral

VPN_P3 = "/case new VPN drops every hour service=vpn urgency=medium for=@alex"


def test_perm_1_a_refusal_names_the_role_and_who_holds_it(world: World, dana: Driver) -> None:
    dana.command(VPN_P3)
    alex = as_user(world, "alex")
    alex.command("/case update CASE-1001 I fixed it myself")
    refusal = last_ephemeral(world, "U0USER01")
    assert "You can't post status updates" in refusal
    assert "a member of the desk or a resolver group (<@U0APP01>, <@U0APP02>" in refusal
    assert "more)" in refusal
    alex.command("/case wait CASE-1001 nothing")
    assert "You can't put a case on hold" in last_ephemeral(world, "U0USER01")
    assert not events(world, 1001, "status_update") and not events(world, 1001, "waiting")


def test_perm_1_a_forged_update_form_from_a_requester_changes_nothing(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    priya = as_user(world, "priya")
    priya.press("Take it", channel="C0CMDQ")
    priya.command("/case update CASE-1001 Working on it")
    view = {**world.runtime.desk.forms.update(1001, actor=priya.user).to_dict(), "id": "VFORGED"}
    forged = priya.submission(view)
    forged["view"]["state"]["values"]["text"]["value"] = {
        "type": "plain_text_input",
        "value": "Forged: all fixed, nothing to see",
    }
    forged["user"] = {"id": "U0USER01", "username": "alex", "team_id": world.team_id}
    answer = priya.send_payload(forged)
    assert answer is not None and answer["response_action"] == "errors"
    assert "You can't post updates on CASE-1001" in answer["errors"]["text"]
    assert [e.new_value for e in events(world, 1001, "status_update")] == ["Working on it"]


def test_perm_1_reclassify_and_override_are_checked_on_the_server(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Home router drops service=personal-devices for=@jordan")
    before = cases(world)[0]
    desk = world.runtime.desk
    for attempt in (
        lambda: desk.work.approve_override(1001, actor="U0DESK01", reason="why not", lasting=False),
        lambda: desk.work.decline(1001, actor="U0USER01", reason="no"),
    ):
        try:
            attempt()
        except ValueError as refused:
            assert "It needs" in str(refused) and "role (<@" in str(refused)
        else:
            raise AssertionError("the workflow let it through")
    after = cases(world)[0]
    assert (after.support_status, after.state, after.version) == (
        before.support_status,
        before.state,
        before.version,
    )


def test_case_help_lists_every_subcommand(world: World, dana: Driver) -> None:
    dana.command("/case help")
    shown = last_ephemeral(world, "U0DESK01")
    for verb in (
        "new", "show", "take", "estimate", "handoff", "consult", "escalate", "transfer",
        "return", "reassignments", "note", "tell", "history", "update", "sla", "wait", "resume",
    ):  # fmt: skip
        assert f"`/case {verb}" in shown, verb
