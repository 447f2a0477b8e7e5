"""PERM-2 and CLOSE-4's "withdrawn": the requester's own side. `/case show` is their case in
plain words with no staff button; staff commands are refused before any form opens; a refusal
never says who asked for someone else's case; a requester withdraws their own open case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.render.common import when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from handlers.subcommands import REQUESTER_HINT
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, cases, dm_texts, events, fill_and_submit, message_text, texts

ALEX, JORDAN, RAVI, DANA = "U0USER01", "U0USER02", "U0EUC01", "U0DESK01"
PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"
STAFF_BUTTONS = {"Take it", "Close", "Escalate", "Transfer", "Reclassify", "Resolve", "Hand over"}


def answer_of(world: World, user: str) -> Any:
    return world.standin.ephemerals(user)[-1]


def fields_of(blocks: list[dict[str, Any]]) -> dict[str, str]:
    shown = {}
    for block in blocks:
        for field in block.get("fields") or []:
            label, _, value = field["text"].partition("\n")
            shown[label.strip("*")] = value
    return shown


def labels_of(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e["text"]["text"]
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]


def test_perm_2_a_requesters_show_is_their_case_in_plain_words(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    alex = as_user(world, "alex")
    alex.command("/case show CASE-1001")
    shown = answer_of(world, ALEX)
    (case,) = cases(world)
    first = next(c for c in case.clocks if c.metric == "first_response")
    assert first.due_at is not None
    assert fields_of(shown.blocks) == {
        "Status": "Waiting for a technician",
        "Priority": f"{world.runtime.policy.priorities[case.priority]} ({case.priority})",
        "Coordinator": f"<@{DANA}>",
        "Next promise": f"A first response by {when(first.due_at)}",
    }
    assert "*Last update from the desk*\nNone yet" in message_text(shown.text, shown.blocks)
    assert labels_of(shown.blocks) == ["Withdraw this request"]
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    ravi.command("/case tell CASE-1001 The new fuser unit arrives this afternoon")
    alex.command("/case show CASE-1001")
    shown = answer_of(world, ALEX)
    (case,) = cases(world)
    assert case.estimate_at is not None
    told = events(world, 1001, "customer_update")[-1]
    assert fields_of(shown.blocks) == {
        "Status": "Being worked on",
        "Priority": f"{world.runtime.policy.priorities[case.priority]} ({case.priority})",
        "Coordinator": f"<@{RAVI}>",
        "Next promise": f"Next contact by {when(case.estimate_at)}",
    }
    assert (
        f"*Last update from the desk*\n{when(told.at)}: The new fuser unit arrives this afternoon"
        in message_text(shown.text, shown.blocks)
    )
    assert not STAFF_BUTTONS & set(labels_of(shown.blocks))
    ravi.command("/case show CASE-1001")
    staff_view = labels_of(answer_of(world, RAVI).blocks)
    assert {"Resolve", "Close", "Escalate"} <= set(staff_view), "staff still get the queue card"
    ravi.command("/case wait CASE-1001 Which tray do you print from?")
    alex.command("/case show CASE-1001")
    shown = fields_of(answer_of(world, ALEX).blocks)
    assert (shown["Status"], shown["Next promise"]) == (
        "Waiting for your answer",
        "On hold while we wait for your answer",
    )
    ravi.command("/case resume CASE-1001")
    ravi.command("/case resolve CASE-1001 Replaced the fuser unit")
    ravi.command("/case verify CASE-1001")
    alex.command("/case show CASE-1001")
    shown = fields_of(answer_of(world, ALEX).blocks)
    assert (shown["Status"], shown["Next promise"]) == (
        "Fixed, we believe: waiting for your confirmation",
        'Your answer to "Is it working now?"',
    )


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/case close CASE-1001", "You can't close CASE-1001. It needs the coordinator of"),
        ("/case resolve CASE-1001", "You can't propose a resolution for CASE-1001. It needs"),
        ("/case take CASE-1001", "Only members of End-User Computing can take CASE-1001."),
        ("/case escalate CASE-1001 network it is the network", "You can't escalate CASE-1001."),
        ("/case transfer CASE-1001 network wrong team", "You can't transfer CASE-1001."),
        ("/case handoff CASE-1001 @jordan", "You can't hand it over. It needs"),
        ("/case consult CASE-1001 network", "You can't consult on CASE-1001. It needs"),
        ("/case verify CASE-1001", "You can't ask about CASE-1001. It needs"),
        ("/case sla CASE-1001", "You can't read SLA clocks. It needs"),
        ("/case tell CASE-1001 hello", "You can't write to the requester of CASE-1001."),
    ],
)
def test_perm_2_staff_commands_are_refused_before_any_form_opens(
    world: World, dana: Driver, line: str, says: str
) -> None:
    dana.command(PRINTER)
    before = [(e.kind, e.at) for e in events(world, 1001)]
    as_user(world, "alex").command(line)
    refusal = answer_of(world, ALEX).text
    assert refusal.startswith(says), refusal
    if "It needs" in says:  # PERM-1's refusals name the role, then what a requester can do
        assert refusal.endswith(f"Ask one of them. {REQUESTER_HINT}")
    assert world.standin.view_stack(ALEX) == [], "no form opened"
    assert [(e.kind, e.at) for e in events(world, 1001)] == before


def test_perm_2_staff_without_the_role_are_refused_before_the_close_form(
    world: World, dana: Driver
) -> None:
    dana.command(PRINTER)
    kenji = as_user(world, "kenji")
    kenji.command("/case close CASE-1001")
    refusal = answer_of(world, "U0NET01").text
    assert refusal.startswith("You can't close CASE-1001. It needs the coordinator of CASE-1001")
    assert world.standin.view_stack("U0NET01") == []
    ravi = as_user(world, "ravi")
    ravi.press("Close", channel="C0EUCQ")
    assert answer_of(world, RAVI).text.startswith("You can't close CASE-1001. It needs")
    assert world.standin.view_stack(RAVI) == [], "the button's form is refused before it opens"
    dana.command("/case close CASE-1001")
    assert world.standin.view_stack(DANA) != [], "the service desk gets the form"


def test_perm_2_a_refusal_never_names_another_requester(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    jordan = as_user(world, "jordan")
    for line, says in (
        ("/case show CASE-1001", "You can see only your own cases; CASE-1001 is not yours."),
        ("/case history CASE-1001", "You can't read CASE-1001. It needs"),
        ("/case withdraw CASE-1001", "You can't withdraw CASE-1001. It needs"),
    ):
        jordan.command(line)
        refusal = answer_of(world, JORDAN).text
        assert refusal.startswith(says), line
        assert ALEX not in refusal and "alex" not in refusal.lower(), line
    assert cases(world)[0].state == "pending"


def test_perm_2_help_for_a_requester_lists_what_they_can_do(world: World, dana: Driver) -> None:
    as_user(world, "alex").command("/case help")
    answer = answer_of(world, ALEX)
    assert answer.text == "/case help: the commands and what they do"
    shown = "\n".join(block["text"]["text"] for block in answer.blocks)
    listed = re.findall(r"^• `(/case(?: \w+)?)", shown, re.MULTILINE)
    assert listed == [
        "/case",
        "/case new",
        "/case show",
        "/case history",
        "/case withdraw",
        "/case list",
        "/case search",
        "/case help",
    ]
    assert "• `/case list` — your open requests" in shown.splitlines()
    assert "• `/case` — tell the desk what is wrong" in shown.splitlines()


def test_close_4_withdrawn_by_the_requester_closes_and_tells_the_coordinator(
    world: World, dana: Driver
) -> None:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    alex = as_user(world, "alex")
    alex.command("/case withdraw CASE-1001 It works again after a restart")
    assert answer_of(world, ALEX).text == (
        "CASE-1001 is withdrawn and closed; the desk has been told. Type `/case` whenever you "
        "need help again."
    )
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "withdrawn")
    (closed,) = events(world, 1001, "closed")
    assert (closed.actor_id, closed.new_value, closed.reason) == (
        ALEX,
        "withdrawn",
        "It works again after a restart",
    )
    told = dm_texts(world, RAVI)[-1]
    assert f"<@{ALEX}> withdrew *CASE-1001*" in told and "It works again after a restart" in told
    assert "*CASE-1001* is withdrawn and closed, as asked." in dm_texts(world, ALEX)[-1]
    card = texts(world, "C0EUCQ")[0]
    assert "Closed: withdrawn" in card and "Take it" not in card and "Resolve" not in card
    assert not events(world, 1001, "survey_sent")
    count = len(events(world, 1001))
    alex.command("/case withdraw CASE-1001")
    assert answer_of(world, ALEX).text.startswith(
        "CASE-1001 is already closed (Withdrawn by the requester); there is nothing to withdraw."
    )
    assert len(events(world, 1001)) == count


def test_close_4_withdrawn_from_the_button_on_the_requesters_dm(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    alex = as_user(world, "alex")
    ack = dm_texts(world, ALEX)[0]
    assert "Your request is recorded as *CASE-1001*" in ack and "Withdraw this request" in ack
    alex.press("Withdraw this request")
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "withdrawn")
    (closed,) = events(world, 1001, "closed")
    assert (closed.actor_id, closed.reason) == (ALEX, "withdrawn by the requester")
    assert f"<@{ALEX}> withdrew *CASE-1001*" in dm_texts(world, DANA)[-1]
    alex.command("/case show CASE-1001")
    shown = answer_of(world, ALEX)
    assert fields_of(shown.blocks)["Status"] == "Closed: Withdrawn by the requester"
    assert labels_of(shown.blocks) == [], "nothing left to withdraw"


def test_close_4_a_major_incident_is_not_withdrawn_by_one_requester(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    ack = next(t for t in dm_texts(world, ALEX) if "Your request is recorded as *CASE-1001*" in t)
    assert "Withdraw this request" not in ack, "not offered for a major incident"
    as_user(world, "alex").command("/case withdraw CASE-1001")
    assert "affects other people too, so it stays open" in answer_of(world, ALEX).text
    assert cases(world)[0].state == "pending" and not events(world, 1001, "closed")


def test_perm_2_a_requesters_case_new_shows_no_other_peoples_cases(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Printer on floor 2 jams service=printers urgency=medium for=@jordan")
    alex = as_user(world, "alex")
    alex.command("/case new Printer on floor 2 jams again service=printers")
    answer = message_text(answer_of(world, ALEX).text, answer_of(world, ALEX).blocks)
    assert "Recorded *CASE-1002*" in answer
    assert "CASE-1001" not in answer and "same symptom" not in answer
    assert [c.requester_id for c in cases(world)] == [JORDAN, ALEX]


def test_close_4_the_desk_withdraws_for_a_requester_who_called(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    dana.command("/case withdraw CASE-1001 Alex called: it prints again")
    assert answer_of(world, DANA).text == (
        "CASE-1001 is withdrawn for its requester and closed; they have been told, and no "
        "survey follows."
    )
    (closed,) = events(world, 1001, "closed")
    assert (closed.actor_id, closed.reason) == (DANA, "Alex called: it prints again")
    assert "*CASE-1001* is withdrawn and closed, as asked." in dm_texts(world, ALEX)[-1]
    as_user(world, "kenji").command("/case withdraw CASE-1001")
    assert answer_of(world, "U0NET01").text.startswith("You can't withdraw CASE-1001. It needs")
