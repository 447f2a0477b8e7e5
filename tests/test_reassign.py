"""ROUTE-4 (escalate and transfer: distinct, reasoned, counted, along the catalog's routes) and
ROUTE-7 (returned to owner with the standard note)."""

from __future__ import annotations

import pytest

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import (
    P1_ANSWERS,
    cases,
    dm_texts,
    events,
    fill_and_submit,
    last_ephemeral,
    texts,
)

PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"
RAVI, KENJI, ALEX = "U0EUC01", "U0NET01", "U0USER01"


def printer_taken_by_ravi(world: World, dana: Driver) -> Driver:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    return ravi


def test_route_4_transfer_moves_the_card_and_keeps_the_coordinator(
    world: World, dana: Driver
) -> None:
    ravi = printer_taken_by_ravi(world, dana)
    ravi.command("/case transfer CASE-1001 network The printer's network port is dead")
    assert "Transferred CASE-1001 to Network Operations" in last_ephemeral(world, RAVI)
    (case,) = cases(world)
    assert (case.group_key, case.state, case.coordinator_id) == ("network", "pending", RAVI)
    assert (case.reassignments, case.transfers, case.escalations) == (1, 1, 0)
    assert case.estimate_at is None, "the old promise is void; the next taker gives a new one"
    assert not texts(world, "C0EUCQ"), "the card left the old queue"
    (card,) = texts(world, "C0NETQ")
    assert "CASE-1001" in card and "Take it" in card
    (moved,) = events(world, 1001, "transferred")
    assert (moved.old_value, moved.new_value, moved.actor_id) == (
        "end-user-computing",
        "network",
        RAVI,
    )
    assert moved.reason == "The printer's network port is dead"
    told = dm_texts(world, ALEX)[-1]
    assert "CASE-1001" in told and "has moved to Network Operations" in told
    assert "network port" not in told, "the requester gets plain words, not the internal reason"
    kenji = as_user(world, "kenji")
    kenji.press("Take it", channel="C0NETQ")
    (case,) = cases(world)
    assert case.coordinator_id == KENJI and RAVI in case.active_parties("interested")


def test_route_4_escalation_of_a_major_case_pages_the_next_tier(world: World, dana: Driver) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    priya = as_user(world, "priya")
    priya.press("Take it", channel="C0CMDQ")
    priya.command("/case escalate CASE-1001 messaging The mail store needs Messaging's engineers")
    (case,) = cases(world)
    assert (case.group_key, case.escalations, case.transfers) == ("messaging", 1, 0)
    assert case.coordinator_id == "U0CC01" and case.is_major
    assert any("CASE-1001" in t for t in texts(world, "C0MSGQ"))
    assert not texts(world, "C0CMDQ")
    assert any("Page: CASE-1001" in t for t in dm_texts(world, "U0MSG01"))
    assert "U0MSG01" in world.standin.channel(case.channel_id or "").members
    assert any("escalated *CASE-1001*" in t for t in texts(world, case.channel_id or ""))


def test_route_4_an_unlisted_route_needs_the_override_role(world: World, dana: Driver) -> None:
    ravi = printer_taken_by_ravi(world, dana)
    ravi.command("/case transfer CASE-1001 identity Maybe an account problem")
    refusal = last_ephemeral(world, RAVI)
    assert "not a documented transfer route" in refusal and "documented: Network Operations" in (
        refusal
    )
    assert "the override approvers role (<@U0CC02>, <@U0MGR01>)" in refusal
    assert cases(world)[0].group_key == "end-user-computing"
    assert not events(world, 1001, "transferred")
    marco = as_user(world, "marco")
    marco.command("/case transfer CASE-1001 identity Badge printing needs an account fix")
    (case,) = cases(world)
    assert case.group_key == "identity"
    (moved,) = events(world, 1001, "transferred")
    assert moved.reason and "unlisted route approved by <@U0CC02>" in moved.reason
    assert moved.detail["unlisted_route_approved_by"] == "U0CC02"


@pytest.mark.parametrize(
    ("who", "line", "answer"),
    [
        ("ravi", "/case transfer CASE-1001", "Name the group and the reason"),
        ("ravi", "/case transfer CASE-1001 network", "Give a reason"),
        ("ravi", "/case transfer CASE-1001 nowhere it is broken", "There is no group 'nowhere'"),
        ("ravi", "/case transfer CASE-1001 end-user-computing x", "already with End-User"),
        ("ravi", "/case escalate CASE-1001 network more help", "for another focus area"),
        ("ravi", "/case transfer CASE-1001 payroll-vendor why", "use `/case escalate`"),
        ("ravi", "/case escalate CASE-1001 service-desk why", "to send it back use `/case return`"),
        ("alex", "/case transfer CASE-1001 network I know better", "You can't transfer CASE-1001"),
        ("ravi", "/case return CASE-1001 not mine", "has no owner to return to"),
    ],
)
def test_route_4_bad_moves_are_answered_and_change_nothing(
    world: World, dana: Driver, who: str, line: str, answer: str
) -> None:
    printer_taken_by_ravi(world, dana)
    person = as_user(world, who)
    before = cases(world)[0]
    person.command(line)
    assert answer in last_ephemeral(world, person.user)
    after = cases(world)[0]
    assert (after.group_key, after.state, after.coordinator_id, after.reassignments) == (
        before.group_key,
        before.state,
        before.coordinator_id,
        before.reassignments,
    )
    assert not events(world, 1001, "transferred") + events(world, 1001, "escalated")


def test_route_4_the_transfer_form_lists_routes_and_requires_a_reason(
    world: World, dana: Driver
) -> None:
    ravi = printer_taken_by_ravi(world, dana)
    ravi.press("Transfer", channel="C0EUCQ")
    view = ravi.current_view() or {}
    shown = str(view)
    assert shown.index("Network Operations (tier 2, network)") < shown.index("needs an override")
    ravi.fill("To which group", "Network Operations (tier 2, network)")
    answer = ravi.submit()
    assert answer is not None and "reason" in answer["errors"]
    assert cases(world)[0].group_key == "end-user-computing"
    ravi.fill("Why?", "The port on the switch is dead")
    ravi.submit()
    assert cases(world)[0].group_key == "network"


def test_route_4_escalations_and_transfers_are_reported_apart(world: World, dana: Driver) -> None:
    ravi = printer_taken_by_ravi(world, dana)
    ravi.command("/case transfer CASE-1001 network The port is dead")
    dana.command("/case new Payroll export fails service=payroll urgency=low for=@jordan")
    hana = as_user(world, "hana")
    hana.press("Take it", channel="C0PAYQ")
    hana.command("/case escalate CASE-1002 payroll-vendor Vendor defect in the export")
    dana.command("/case reassignments")
    report = last_ephemeral(world, "U0DESK01")
    assert "2 over 2 cases opened (1.00 per case)" in report
    assert "*Network Operations*: escalations in 0, out 0 · transfers in 1, out 0" in report
    assert "*End-User Computing*: escalations in 0, out 0 · transfers in 0, out 1" in report
    assert "*Payroll Vendor Engineering*: escalations in 1, out 0" in report
    as_user(world, "alex").command("/case reassignments")
    assert "You can't read the reassignment figures" in last_ephemeral(world, ALEX)


def test_route_7_return_to_owner_with_the_standard_note(world: World, dana: Driver) -> None:
    ravi = printer_taken_by_ravi(world, dana)
    ravi.command("/case transfer CASE-1001 network The port looks dead")
    kenji = as_user(world, "kenji")
    kenji.press("Take it", channel="C0NETQ")
    kenji.command("/case return CASE-1001 The port is fine; the printer's network card is faulty")
    (case,) = cases(world)
    assert (case.group_key, case.coordinator_id, case.state) == (
        "end-user-computing",
        RAVI,
        "assigned",
    )
    assert (case.reassignments, case.transfers, case.escalations) == (2, 1, 0)
    (returned,) = events(world, 1001, "returned")
    assert returned.reason and returned.reason.startswith("Returned to owner: please follow up")
    assert "network card is faulty" in returned.reason
    note = dm_texts(world, RAVI)[-1]
    assert "returned to its owner" in note and "keep the record clear" in note
    assert any("CASE-1001" in t for t in texts(world, "C0EUCQ")) and not texts(world, "C0NETQ")
