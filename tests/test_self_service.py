"""INTAKE-1's self-service form: `/case` by someone in no desk role asks five short questions
and records the same case every path records (priority computed, the desk's on-call as
coordinator); INTAKE-5's "needs validation" shows on the desk's card until someone confirms."""

from __future__ import annotations

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.vocabulary import UNKNOWN_LABEL
from tests.conftest import as_user
from tests.helpers import case_count, cases, dm_texts, events, fill_and_submit, outbox, texts

ALEX = "U0USER01"
ANSWERS = {
    "What is wrong?": "VPN drops every hour",
    "Anything else we should know?": "Since the laptop update on Monday",
    "Which service?": "VPN and remote access",
    "How badly is your work blocked?": "Work is slowed",
    "How many people": "A team or several people",
    "Contact number": "+44 20 7946 0018",
}


def labels(driver: Driver) -> list[str]:
    view = driver.current_view()
    assert view is not None
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def test_intake_1_self_service_form_is_short_and_offers_i_dont_know(
    world: World, dana: Driver
) -> None:
    alex = as_user(world, "alex")
    alex.command("/case")
    view = alex.current_view()
    assert view is not None and view["callback_id"] == "self_service"
    assert labels(alex) == [
        "What is wrong?",
        "Anything else we should know?",
        "Which service?",
        "How badly is your work blocked?",
        "How many people cannot work normally?",
        "Contact number",
    ]
    for block in view["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "static_select":
            options = [o["text"]["text"] for o in block["element"]["options"]]
            assert options[-1] == UNKNOWN_LABEL, block["block_id"]
    dana.command("/case")
    staff_view = dana.current_view()
    assert staff_view is not None and staff_view["callback_id"] == "intake", "staff: full form"


def test_intake_1_self_service_records_the_same_case_as_every_path(world: World) -> None:
    policy = world.runtime.policy
    alex = as_user(world, "alex")
    alex.command("/case")
    answer = fill_and_submit(alex, ANSWERS)
    assert answer is not None and answer["response_action"] == "update"
    assert "Your request is recorded as *CASE-1001*" in str(answer["view"])
    (case,) = cases(world)
    assert (case.requester_id, case.reporter_id, case.contact_channel) == (
        ALEX,
        ALEX,
        "self_service",
    )
    assert (case.summary, case.description, case.contact_phone) == (
        "VPN drops every hour",
        "Since the laptop update on Monday",
        "+44 20 7946 0018",
    )
    assert (case.service_key, case.urgency, case.impact_answers) == (
        "vpn",
        "medium",
        {"people": "team"},
    )
    assert (case.impact, case.priority) == ("moderate", policy.matrix["moderate"]["medium"])
    assert case.coordinator_id == policy.groups[policy.service_desk_group].on_call
    assert (case.state, case.group_key) == ("pending", "network")
    assert [e.kind for e in case.events][:2] == ["recorded", "classified"]
    assert {p.role for p in case.parties} >= {"requester", "reporter", "coordinator"}
    assert "Your request is recorded as *CASE-1001*" in dm_texts(world, ALEX)[0]
    assert "self-service form" in texts(world, "C0NETQ")[0]


def test_intake_1_self_service_with_i_dont_know_still_records(world: World) -> None:
    alex = as_user(world, "alex")
    alex.command("/case")
    fill_and_submit(
        alex,
        {
            "What is wrong?": "Something is wrong with my computer",
            "Which service?": UNKNOWN_LABEL,
            "How badly is your work blocked?": UNKNOWN_LABEL,
            "How many people": UNKNOWN_LABEL,
        },
    )
    (case,) = cases(world)
    policy = world.runtime.policy
    assert (case.service_key, case.urgency, case.impact) == (
        "unknown",
        "unknown",
        policy.unknown_impact,
    )
    (recorded,) = events(world, 1001, "recorded")
    assert recorded.detail["unknown_answers"] == 8


def test_intake_1_self_service_bad_answers_are_shown_in_place(world: World) -> None:
    alex = as_user(world, "alex")
    alex.command("/case")
    answer = fill_and_submit(
        alex, {**ANSWERS, "Contact number": "call me", "What is wrong?": "Help @channel"}
    )
    assert answer is not None and answer["response_action"] == "errors"
    assert answer["errors"] == {
        "summary": "Remove @here, @channel or @everyone: the bot would notify whole channels "
        "each time it posts this case.",
        "contact_phone": "'call me' is not a phone number: use digits, spaces, + ( ) - and x "
        "for an extension.",
    }
    view = alex.current_view()
    assert view is not None
    forged = alex.submission(view)
    forged["view"]["state"]["values"]["service"]["value"]["selected_option"] = None
    answer = alex.send_payload(forged)
    assert answer is not None and "service" in answer["errors"]
    assert case_count(world) == 0 and outbox(world) == []


def test_intake_5_a_self_service_case_needs_validation_until_the_desk_confirms(
    world: World, dana: Driver
) -> None:
    alex = as_user(world, "alex")
    alex.command("/case")
    fill_and_submit(alex, ANSWERS)
    assert "needs validation" in texts(world, "C0NETQ")[0]
    kenji = as_user(world, "kenji")
    kenji.press("Reclassify", channel="C0NETQ")
    kenji.fill("Category", "Network")
    kenji.fill("Reason", "Checked with Alex on the phone")
    kenji.submit()
    assert cases(world)[0].category == "network"
    assert "needs validation" not in texts(world, "C0NETQ")[0]
