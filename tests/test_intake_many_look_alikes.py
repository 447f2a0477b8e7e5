"""INTAKE-4 when a requester already has many open cases (found by bench-status): the
"Possible duplicates" step still opens, offering the nine closest cases and "Record a new case",
since Slack refuses a modal whose radio buttons have more than ten choices."""

from __future__ import annotations

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.helpers import P1_ANSWERS, case_count, fill_and_submit, last_ephemeral


def test_intake_4_a_requester_with_many_open_cases_still_gets_the_duplicates_step(
    world: World, dana: Driver
) -> None:
    for n in range(11):
        dana.command(f"/case new Email is down for everyone on floor {n} service=email for=@alex")
        if "Record a new case anyway" in last_ephemeral(world, dana.user):
            dana.press("Record a new case anyway")
    assert case_count(world) == 11
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    view = dana.current_view()
    assert view is not None and view["title"]["text"] == "Possible duplicates"
    (choice,) = [b for b in view["blocks"] if b.get("block_id") == "choice"]
    labels = [o["text"]["text"] for o in choice["element"]["options"]]
    assert len(labels) == 10 and labels[0] == "Record a new case"
    dana.submit()
    assert case_count(world) == 12
