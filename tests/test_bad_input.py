"""Every bad input gets a specific answer and leaves nothing half-recorded."""

from __future__ import annotations

import json

import pytest

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, case_count, cases, fill_and_submit, last_ephemeral, outbox


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("/case new Beam me up service=teleporter", "`teleporter` is not a service"),
        ("/case new VPN down servce=vpn", "Unknown option `servce=`"),
        ("/case new VPN down service=", "`service=` needs a value"),
        ("/case new VPN down service=vpn service=email", "given twice"),
        ("/case new VPN down urgency=whenever", "`urgency=whenever` is not a choice"),
        ("/case new VPN down type=complaint", "`type=complaint` is not a choice"),
        ("/case new VPN down impact=huge", "`impact=huge` is not a choice"),
        ('/case new "VPN down', "Close the quote"),
        ("/case new service=vpn", "Add a summary"),
        ("/case new " + "word " * 40, "keep it to 150"),
        ("/case new VPN down for=@nobody", "can't find the user '@nobody'"),
        ("/case new @channel everything is broken", "Remove @here, @channel or @everyone"),
        ("/case new <!here> everything is broken", "Remove @here, @channel or @everyone"),
        ("/case frobnicate", "I don't know `frobnicate`.\n`/case help` lists every command."),
        ("/case take CASE-99", "There is no CASE-99"),
        ("/case take twelve", "is not a case number"),
    ],
)
def test_bad_command_text_is_answered_and_records_nothing(
    world: World, dana: Driver, text: str, says: str
) -> None:
    dana.command(text)
    assert says in last_ephemeral(world, "U0DESK01")
    assert case_count(world) == 0 and not outbox(world)


def test_slack_markup_in_a_summary_is_stored_as_plain_text(world: World, dana: Driver) -> None:
    dana.command("/case new Ask @jordan about <https://vpn.example|the VPN page> &amp; more")
    (case,) = cases(world)
    assert case.summary == "Ask @jordan about the VPN page (https://vpn.example) & more"
    queue = world.standin.messages("C0DESKQ")[0]
    assert "&amp;" in str(queue.blocks) and "<https" not in str(queue.blocks)


def test_a_modal_with_missing_required_fields_is_refused_field_by_field(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    answer = dana.submit()
    assert answer is not None and answer["response_action"] == "errors"
    assert {"summary", "service", "request_type", "category", "urgency"} <= set(answer["errors"])
    assert case_count(world) == 0


def test_a_modal_with_bad_contact_details_says_which_field(world: World, dana: Driver) -> None:
    dana.command("/case")
    answer = fill_and_submit(dana, {**P1_ANSWERS, "Call-back number": "call me maybe"})
    assert answer is not None and "not a phone number" in answer["errors"]["contact_phone"]
    assert case_count(world) == 0


def test_a_forged_submission_without_state_is_refused(world: World, dana: Driver) -> None:
    dana.command("/case")
    view = dana.current_view()
    assert view is not None
    view["state"] = {"values": {}}
    payload = {
        "type": "view_submission",
        "team": {"id": world.team_id},
        "user": {"id": "U0DESK01"},
        "api_app_id": "A0CASEDESK",
        "view": view,
    }
    answer = dana.send_payload(payload)
    assert answer is not None and answer["response_action"] == "errors"
    assert case_count(world) == 0


def test_a_forged_button_pointing_at_no_case_gets_a_clear_answer(world: World) -> None:
    kenji = as_user(world, "kenji")
    kenji.command("/case new VPN drops service=vpn")
    found = kenji.find_button("Take it", channel="C0NETQ")
    found.element["value"] = "4242"
    kenji.click(found)
    assert "There is no CASE-4242" in last_ephemeral(world, "U0NET01")
    assert cases(world)[0].state == "pending"


def test_a_submission_delivered_twice_records_one_case(world: World, dana: Driver) -> None:
    dana.command("/case")
    view = dana.current_view()
    assert view is not None
    for label, value in P1_ANSWERS.items():
        dana.fill(label, value)
    payload = dana.submission(view)
    first = dana.send_payload(payload)
    again = dana.send_payload(payload)  # a network retry carries the same view id
    assert case_count(world) == 1
    assert first is not None and again is not None
    assert "already recorded as *CASE-1001*" in json.dumps(again["view"])


def test_control_characters_in_form_and_command_text_are_dropped_not_stored(
    world: World, dana: Driver
) -> None:
    """PostgreSQL refuses NUL in text: a pasted control character must not fail the write."""
    dana.command("/case new VPN\x00 drops\x1b service=vpn urgency=medium for=@alex")
    dana.press("Reclassify", channel="C0NETQ")
    dana.fill("How many people", "Most of the organisation")
    dana.fill("Reason", "Every\x00 remote worker\x07 is affected")
    dana.submit()
    (case,) = cases(world)
    assert case.summary == "VPN drops"
    assert {e.reason for e in case.events if e.kind == "reclassified"} == {
        "Every remote worker is affected"
    }
