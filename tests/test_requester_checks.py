"""INTAKE-2 and INTAKE-3: a case is for a person. A requester unknown to the workspace, a bot
(the desk's own included) or a deactivated account is refused on every intake path with a
specific answer, and nothing is recorded or sent."""

from __future__ import annotations

import pytest

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, case_count, fill_and_submit, last_ephemeral, outbox

DANA = "U0DESK01"


@pytest.fixture(autouse=True)
def _a_deactivated_account(world: World) -> None:
    world.standin.add_user("U0GONE", name="gone", real_name="Gone Away", deleted=True)
    world.standin.add_user("USLACKBOT", name="slackbot", real_name="Slackbot")


@pytest.mark.parametrize(
    ("named", "says"),
    [
        (
            "for=<@U0GHOST99|ghost>",
            "The person you named is not a member of this workspace; "
            "name the person who needs help",
        ),
        ("for=@casedesk", "<@UCASEBOT> is a bot, not a person; name the person who needs help"),
        ("for=@gone", "<@U0GONE>'s account is deactivated; name the person who needs help"),
        ("for=@slackbot", "<@USLACKBOT> is a bot, not a person; name the person who needs help"),
    ],
)
def test_intake_2_new_for_someone_who_is_not_a_person_records_nothing(
    world: World, dana: Driver, named: str, says: str
) -> None:
    dana.command(f"/case new Laptop hinge cracked service=laptops {named}")
    answer = last_ephemeral(world, DANA)
    assert says in answer
    assert answer.endswith("Nothing was recorded.")
    assert "told" not in answer and "CASE-" not in answer
    assert case_count(world) == 0 and outbox(world) == []


def test_intake_3_a_person_named_with_for_is_still_recorded_and_told(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Laptop hinge cracked service=laptops for=@jordan")
    assert case_count(world) == 1
    assert "CASE-1001" in last_ephemeral(world, DANA)


@pytest.mark.parametrize(
    ("requester", "says"),
    [
        ("casedesk", "Casedesk is a bot, not a person; choose the person who needs help."),
        ("gone", "Gone Away's account is deactivated; choose the person who needs help."),
    ],
)
def test_intake_2_the_forms_requester_must_be_a_person(
    world: World, dana: Driver, requester: str, says: str
) -> None:
    dana.command("/case")
    answer = fill_and_submit(dana, {**P1_ANSWERS, "Requester": requester})
    assert answer == {"response_action": "errors", "errors": {"requester_id": says}}
    assert case_count(world) == 0 and outbox(world) == []
    dana.fill("Requester", "alex")
    answer = dana.submit()
    assert answer is not None and answer["response_action"] == "update"
    assert case_count(world) == 1


def test_intake_2_a_forged_form_naming_an_unknown_user_is_refused(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    for label, value in {**P1_ANSWERS, "Requester": "alex"}.items():
        dana.fill(label, value)
    view = dana.current_view()
    assert view is not None
    forged = dana.submission(view)
    forged["view"]["state"]["values"]["requester_id"]["value"]["selected_user"] = "U0GHOST99"
    answer = dana.send_payload(forged)
    assert answer is not None and answer["errors"] == {
        "requester_id": "The person you named is not a member of this workspace; choose the person "
        "who needs help."
    }
    assert case_count(world) == 0


def test_intake_2_a_bots_message_does_not_make_the_bot_the_requester(
    world: World, dana: Driver
) -> None:
    alert = world.standin.post_as_user("UCASEBOT", "C0ITHELP", "Disk full on print server PS2")
    dana.shortcut("open_case_from_message", ts=alert.ts)
    view = dana.current_view()
    assert view is not None
    (requester,) = [b for b in view["blocks"] if b.get("block_id") == "requester_id"]
    assert requester["element"]["initial_user"] == DANA
    assert "A bot posted this message, so its author cannot be the requester" in str(view)
    answer = fill_and_submit(
        dana, {**P1_ANSWERS, "Requester": "casedesk", "Summary": "Disk full on PS2"}
    )
    assert answer is not None and "is a bot, not a person" in answer["errors"]["requester_id"]
    assert case_count(world) == 0
    jordan = as_user(world, "jordan")
    ts = jordan.say("My screen flickers")
    dana.shortcut("open_case_from_message", ts=ts)
    view = dana.current_view()
    assert view is not None and "A bot posted" not in str(view)
