"""CLOSE-4's short closes and QUAL-1's silence after them: "duplicate" and "withdrawn" ask for
the code alone (a duplicate also for its original, checked), and no survey follows a close with
the code "no response", "planned outage", "withdrawn" or "duplicate"."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import cases, dm_texts, events, fill_and_submit

ALEX, JORDAN, DANA = "U0USER01", "U0USER02", "U0DESK01"
PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"
AGAIN = "/case new Floor 2 printer jams again service=printers urgency=medium for=@jordan"
CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}


def labels(driver: Driver) -> list[str]:
    view = driver.current_view()
    assert view is not None
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def two_printer_cases(dana: Driver) -> None:
    dana.command(PRINTER)
    dana.command(AGAIN)
    dana.press("Record a new case anyway")


def test_close_4_duplicate_asks_only_for_the_code_and_the_original(
    world: World, dana: Driver
) -> None:
    two_printer_cases(dana)
    dana.command("/case close CASE-1002")
    assert labels(dana)[0] == "Closure code" and len(labels(dana)) == 6
    dana.fill("Closure code", "Duplicate of another case")
    assert labels(dana) == ["Closure code", "Duplicate of which case?"]
    for typed, error in (
        ("", "Required."),
        ("printer", "'printer' is not a case number. Write it as CASE-1042."),
        ("CASE-9999", "There is no CASE-9999. Give the number of the case this one duplicates."),
        ("CASE-1002", "CASE-1002 cannot duplicate itself; give the other case."),
    ):
        dana.fill("Duplicate of which case?", typed)
        answer = dana.submit()
        assert answer == {"response_action": "errors", "errors": {"duplicate_of": error}}, typed
    assert [c.state for c in cases(world)] == ["pending", "pending"]
    dana.fill("Duplicate of which case?", "case-1001")
    answer = dana.submit()
    assert answer is not None and answer["response_action"] == "update"
    original, duplicate = cases(world)
    assert (duplicate.state, duplicate.closure_code) == ("closed", "duplicate")
    assert duplicate.closure is not None and duplicate.closure.duplicate_of == 1001
    (closed,) = events(world, 1002, "closed")
    assert (closed.new_value, closed.reason) == ("duplicate", "duplicate of CASE-1001")
    (linked,) = events(world, 1001, "duplicate_linked")
    assert (linked.actor_id, linked.new_value) == (DANA, "CASE-1002")
    assert JORDAN in original.active_parties("interested") and original.state == "pending"
    told = dm_texts(world, JORDAN)[-1]
    assert "*CASE-1002* is closed as a duplicate" in told and "*CASE-1001*" in told
    assert "CASE-1002 was closed as a duplicate of *CASE-1001*" in dm_texts(world, DANA)[-1]
    assert not events(world, 1002, "survey_sent"), "QUAL-1: no survey after a duplicate"


def test_close_4_a_code_submitted_before_its_form_redrew_is_refused_on_the_code(
    world: World, dana: Driver
) -> None:
    """Slack shows errors only on blocks the view has: a close submitted with "duplicate" on
    the full form (before views.update redrew it, or forged) asks for the code again."""
    two_printer_cases(dana)
    dana.command("/case close CASE-1002")
    for label, value in CLOSE_ANSWERS.items():
        dana.fill(label, value)
    view = dana.current_view()
    assert view is not None
    payload = dana.submission(view)
    code = payload["view"]["state"]["values"]["code"]["value"]
    code["selected_option"] = {**code["selected_option"], "value": "duplicate"}
    answer = dana.send_payload(payload)
    assert answer == {
        "response_action": "errors",
        "errors": {
            "code": "This form was drawn for another code: choose the closure code again to "
            "see its fields."
        },
    }
    assert [c.state for c in cases(world)] == ["pending", "pending"]


def test_close_4_duplicates_never_chain(world: World, dana: Driver) -> None:
    two_printer_cases(dana)
    dana.command("/case close CASE-1002")
    fill_and_submit(
        dana, {"Closure code": "Duplicate of another case", "Duplicate of which case": "CASE-1001"}
    )
    dana.command("/case new Printer floor 2 still jams service=printers urgency=medium")
    dana.press("Record a new case anyway")
    dana.command("/case close CASE-1003")
    answer = fill_and_submit(
        dana, {"Closure code": "Duplicate of another case", "Duplicate of which case": "CASE-1002"}
    )
    assert answer is not None and answer["errors"] == {
        "duplicate_of": "CASE-1002 is itself closed as a duplicate of CASE-1001; give CASE-1001."
    }
    assert cases(world)[2].state == "pending"


def test_close_4_choosing_another_code_brings_the_full_record_back(
    world: World, dana: Driver
) -> None:
    dana.command(PRINTER)
    dana.command("/case close CASE-1001")
    dana.fill("Closure code", "Withdrawn by the requester")
    assert labels(dana) == ["Closure code"]
    dana.fill("Closure code", "Declined as unsupported")
    assert labels(dana) == [
        "Closure code",
        "Root-cause category",
        "Fix or workaround",
        "Knowledge base",
        "Service",
        "RFC or follow-up record (when follow-up is needed)",
    ]
    answer = dana.submit()
    assert answer is not None and set(answer["errors"]) == {"cause", "fix", "kb", "restored"}
    dana.fill("Closure code", "Withdrawn by the requester")
    answer = dana.submit()
    assert answer is not None and answer["response_action"] == "update"
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "withdrawn")
    (closed,) = events(world, 1001, "closed")
    assert closed.reason == "withdrawn by the requester"


def test_qual_1_no_survey_after_no_response_or_withdrawn(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    ravi.command("/case resolve CASE-1001 Replaced the fuser unit")
    ravi.command("/case verify CASE-1001")
    ravi.pass_time(timedelta(hours=24, minutes=1))
    ravi.command("/case close CASE-1001")
    fill_and_submit(ravi, {**CLOSE_ANSWERS, "Closure code": "No response from the requester"})
    assert cases(world)[0].closure_code == "no_response"
    dana.command("/case new Monitor flickers service=laptops urgency=low for=@alex")
    as_user(world, "alex").command("/case withdraw CASE-1002 It stopped by itself")
    assert cases(world)[1].closure_code == "withdrawn"
    assert not events(world, 1001, "survey_sent") and not events(world, 1002, "survey_sent")
    assert not any("How did we do?" in t for t in dm_texts(world, ALEX))
    dana.command("/case new Keyboard sticks service=laptops urgency=low for=@jordan")
    dana.command("/case resolve CASE-1003 Swapped the keyboard")
    dana.command("/case verify CASE-1003")
    as_user(world, "jordan").press("Yes, it works")
    dana.command("/case close CASE-1003")
    fill_and_submit(dana, CLOSE_ANSWERS)
    assert len(events(world, 1003, "survey_sent")) == 1, "a resolved close still asks"


def test_qual_1_no_survey_after_a_planned_outage(world: World, dana: Driver) -> None:
    start = (world.runtime.clock.now() - timedelta(minutes=5)).astimezone(ZoneInfo("Europe/London"))
    dana.command(f"/change add email {start:%Y-%m-%dT%H:%M} 2h Mail patching")
    dana.command("/case new Outlook cannot connect service=email urgency=medium for=@alex")
    dana.press("Close: planned outage", channel="C0MSGQ")
    (case,) = cases(world)
    assert case.closure_code == "planned_outage"
    assert not events(world, 1001, "survey_sent")
