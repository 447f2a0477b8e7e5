"""ROUTE-5 (consult without transfer: the call tree, consulted people join as interested, then
keep it or transfer it) and ROUTE-6 (the command center's "can we resolve this here?" test)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.command_center_test import suggestion
from bot.sandbox.driver import Driver, SandboxError
from bot.sandbox.world import World
from store.models import Case, Consult
from tests.conftest import as_user
from tests.helpers import (
    P1_ANSWERS,
    cases,
    dm_texts,
    events,
    fill_and_submit,
    last_ephemeral,
    texts,
    top_level,
)

VPN_CASE = "/case new VPN drops every hour service=vpn urgency=medium for=@alex"


@pytest.fixture
def kenji(world: World, dana: Driver) -> Driver:
    """CASE-1001, a network case that Kenji (network) took and coordinates."""
    world.runtime.desk.kb = None
    dana.command(VPN_CASE)
    driver = as_user(world, "kenji")
    driver.press("Take it", channel="C0NETQ")
    return driver


def consults(world: World) -> list[Consult]:
    with world.runtime.db.transaction() as session:
        return list(session.execute(select(Consult).order_by(Consult.id)).scalars())


@pytest.mark.parametrize(
    ("line", "paged", "not_paged"),
    [
        ("/case consult CASE-1001 identity Is the sync broken?", "U0IDM01", "U0MGR01"),
        ("/case consult CASE-1001 identity oncall Is the sync broken?", "U0IDM01", "U0MGR01"),
        ("/case consult CASE-1001 identity 2 Is the sync broken?", "U0MGR01", "U0IDM01"),
        ("/case consult CASE-1001 identity supervisor Is the sync broken?", "U0MGR01", "U0IDM01"),
    ],
)
def test_route_5_consult_pages_the_call_tree_and_they_join_as_interested(
    world: World, kenji: Driver, line: str, paged: str, not_paged: str
) -> None:
    kenji.command(line)
    assert "Paged the" in last_ephemeral(world, "U0NET01")
    (row,) = consults(world)
    assert (row.group_key, row.paged_user, row.question) == (
        "identity",
        paged,
        "Is the sync broken?",
    )
    (case,) = cases(world)
    assert case.coordinator_id == "U0NET01", "a consult does not move ownership"
    assert paged in case.active_parties("interested")
    assert paged in world.standin.channel(case.channel_id or "").members
    page = dm_texts(world, paged)[-1]
    assert "Consult: CASE-1001" in page and "sync broken" in page and "VPN drops" in page
    assert not any("Consult: CASE-1001" in t for t in dm_texts(world, not_paged))
    (event,) = events(world, 1001, "consult")
    assert event.new_value == "identity" and event.detail["paged"] == paged
    assert any("consulted Identity and Access" in t for t in texts(world, case.channel_id or ""))


def test_route_5_the_consult_button_offers_the_call_tree(world: World, kenji: Driver) -> None:
    kenji.press("Consult", channel="C0NETQ")
    view = kenji.current_view()
    assert view is not None and "2: page the group's supervisor" in str(view)
    kenji.fill("Group to consult", "Messaging")
    kenji.fill("Whom to page", "2: page the group's supervisor")
    kenji.fill("Your question", "Is the relay dropping VPN users?")
    kenji.submit()
    (row,) = consults(world)
    assert (row.group_key, row.via, row.paged_user) == ("messaging", "supervisor", "U0MGR01")


def test_route_5_after_a_consult_the_coordinator_keeps_it(world: World, kenji: Driver) -> None:
    kenji.command("/case consult CASE-1001 identity Is the sync broken?")
    kenji.pass_time(timedelta(minutes=29))
    assert not any("Keep it or transfer it" in t for t in dm_texts(world, "U0NET01"))
    kenji.pass_time(timedelta(minutes=2))
    assert any("Keep it or transfer it" in t for t in dm_texts(world, "U0NET01"))
    kenji.press("Keep it")
    (row,) = consults(world)
    assert (row.decision, row.decided_by) == ("keep", "U0NET01")
    assert events(world, 1001, "consult_decision")[0].new_value == "keep"
    asked = dm_texts(world, "U0NET01")[-1]
    assert "Decided by <@U0NET01>: keep it" in asked, "the question is edited in place"
    with pytest.raises(SandboxError):
        kenji.find_button("Keep it")


def test_route_5_transfer_records_the_decision_and_opens_the_transfer_form(
    world: World, kenji: Driver
) -> None:
    kenji.command("/case consult CASE-1001 identity")
    kenji.pass_time(timedelta(minutes=31))
    answer = kenji.find_button("Transfer it")
    kenji.click(answer)
    assert "/case transfer CASE-1001 <group> <reason>" in last_ephemeral(world, "U0NET01")
    assert consults(world)[0].decision == "transfer"
    assert "Transfer CASE-1001" in str(kenji.current_view()), "the transfer form is open"
    kenji.cancel()
    kenji.click(answer)
    assert "Already decided: transfer" in last_ephemeral(world, "U0NET01")
    assert len(events(world, 1001, "consult_decision")) == 1


def test_route_5_a_decision_before_the_follow_up_stops_it(world: World, kenji: Driver) -> None:
    kenji.command("/case consult CASE-1001 identity")
    (row,) = consults(world)
    world.runtime.desk.work.decide_after_consult(1001, row.id, actor="U0NET01", decision="keep")
    kenji.pass_time(timedelta(hours=1))
    assert not any("Keep it or transfer it" in t for t in dm_texts(world, "U0NET01"))
    assert len(events(world, 1001, "consult_followup")) == 0


@pytest.mark.parametrize(
    ("who", "line", "says"),
    [
        ("kenji", "/case consult CASE-1001 plumbing", "There is no group 'plumbing'. Groups:"),
        ("kenji", "/case consult CASE-1001", "Name the group"),
        ("ravi", "/case consult CASE-1001 identity", "You can't consult on CASE-1001"),
        ("alex", "/case consult CASE-1001 identity", "You can't consult on CASE-1001"),
        ("kenji", "/case consult CASE-1001 network oncall", "You are the on-call of Network"),
    ],
)
def test_route_5_bad_consults_are_answered_and_change_nothing(
    world: World, kenji: Driver, who: str, line: str, says: str
) -> None:
    before = len(events(world, 1001))
    as_user(world, who).command(line)
    said = last_ephemeral(world, kenji.resolve_user(who))
    assert says in said
    if "no group" in says:
        assert "identity" in said and "network" in said, "the valid keys are listed"
    assert consults(world) == [] and len(events(world, 1001)) == before
    assert "U0IDM01" not in cases(world)[0].active_parties("interested")


def test_route_5_a_call_tree_step_that_does_not_exist_is_refused_not_asked(
    world: World, kenji: Driver
) -> None:
    before = len(events(world, 1001))
    kenji.command("/case consult CASE-1001 identity 3 Is the sync broken?")
    (shown,) = world.standin.ephemerals("U0NET01")[-1].blocks
    assert shown["text"]["text"] == (
        ":warning: The call tree has no step 3. Page step 1, `oncall` (the group's on-call "
        "technician), or step 2, `supervisor`: `/case consult CASE-1001 identity oncall "
        "&lt;question&gt;`."
    )
    assert consults(world) == [] and len(events(world, 1001)) == before


def test_route_5_a_closed_case_cannot_be_consulted_on(world: World, kenji: Driver) -> None:
    with world.runtime.db.transaction() as session:
        session.execute(select(Case)).scalar_one().state = "closed"
    kenji.command("/case consult CASE-1001 identity")
    assert "is closed" in last_ephemeral(world, "U0NET01") and consults(world) == []


# -- ROUTE-6 ------------------------------------------------------------------------------------
@pytest.fixture
def priya(world: World, dana: Driver) -> Driver:
    """A P1 (CASE-1001) that Priya of the command center takes from her page."""
    world.runtime.desk.kb = None
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    driver = as_user(world, "priya")
    driver.press("Take it")
    assert cases(world)[0].coordinator_id == "U0CC01"
    return driver


def card(world: World, round_number: int = 1) -> str:
    channel = cases(world)[0].channel_id or ""
    found = [t for t in texts(world, channel) if f"(round {round_number})" in t]
    assert len(found) == 1, f"one card for round {round_number}"
    return found[0]


def answer(driver: Driver, key: str, value: str) -> None:
    """Press Yes or No of one question on the newest card in the (public) case channel."""
    channel = cases(driver.world)[0].channel_id
    driver.press_action(f"cc_test_{key}_{value}", channel=channel)


def test_route_6_taking_a_major_case_asks_the_three_questions(world: World, priya: Driver) -> None:
    text = card(world)
    for question in (
        "major architectural change",
        "outside our skill set",
        "within 20 minutes",
    ):
        assert question in text
    assert text.count("Yes") >= 3 and text.count("No") >= 3
    assert events(world, 1001, "cc_test_asked")[0].detail == {"round": 1}


@pytest.mark.parametrize(
    ("architecture", "skills", "quick", "outcome"),
    [
        ("no", "no", "yes", "keep"),
        ("yes", "no", "yes", "transfer"),
        ("no", "yes", "yes", "transfer"),
        ("no", "no", "no", "transfer"),
    ],
)
def test_route_6_answers_are_recorded_and_suggest_an_outcome(
    world: World, priya: Driver, architecture: str, skills: str, quick: str, outcome: str
) -> None:
    marco = as_user(world, "marco")
    answer(priya, "architecture", architecture)
    answer(marco, "skills", skills)
    assert not events(world, 1001, "cc_test_outcome")
    answer(priya, "quick", quick)
    recorded = {e.field: (e.new_value, e.detail["round"]) for e in events(world, 1001, "cc_test")}
    assert recorded == {
        "architecture": (architecture, 1),
        "skills": (skills, 1),
        "quick": (quick, 1),
    }
    assert events(world, 1001, "cc_test_outcome")[0].new_value == outcome
    channel = cases(world)[0].channel_id or ""
    (message,) = [m for m in top_level(world, channel) if "(round 1)" in m.text + str(m.blocks)]
    assert message.edited, "the card is updated in place"
    expected = "Suggested: transfer it" if outcome == "transfer" else "Suggested: keep it"
    assert expected in card(world)
    assert any(expected in t and "round 1" in t for t in texts(world, channel))


def test_route_6_the_rule_over_every_combination() -> None:
    for a in ("yes", "no"):
        for s in ("yes", "no"):
            for q in ("yes", "no"):
                keep = a == "no" and s == "no" and q == "yes"
                got = suggestion({"architecture": a, "skills": s, "quick": q})
                assert got == ("keep" if keep else "transfer"), (a, s, q)


def test_route_6_only_the_command_center_answers(world: World, priya: Driver) -> None:
    dana = as_user(world, "dana")
    dana.press_action("cc_test_quick_yes", channel=cases(world)[0].channel_id)
    assert "You can't answer the command center test" in last_ephemeral(world, "U0DESK01")
    assert not events(world, 1001, "cc_test")


def test_route_6_an_answered_question_is_not_answered_twice(world: World, priya: Driver) -> None:
    button = priya.find_button("Yes")
    priya.click(button)
    priya.click(button)
    assert "already answered yes" in last_ephemeral(world, "U0CC01")
    assert len(events(world, 1001, "cc_test")) == 1


def test_route_6_asked_again_after_the_configured_minutes(world: World, priya: Driver) -> None:
    priya.pass_time(timedelta(minutes=19))
    assert len(events(world, 1001, "cc_test_asked")) == 1
    priya.pass_time(timedelta(minutes=2))
    assert [e.detail["round"] for e in events(world, 1001, "cc_test_asked")] == [1, 2]
    assert "This round is over" in card(world, 1)
    assert "cc_test_quick_yes" in str(
        [m.blocks for m in world.standin.messages(cases(world)[0].channel_id or "")][-1]
    )
    answer(priya, "quick", "no")
    assert events(world, 1001, "cc_test")[0].detail == {"round": 2}


@pytest.mark.parametrize("state", ["resolved", "closed"])
def test_route_6_no_more_rounds_once_resolved_or_closed(
    world: World, priya: Driver, state: str
) -> None:
    with world.runtime.db.transaction() as session:
        session.execute(select(Case)).scalar_one().state = state
    priya.pass_time(timedelta(minutes=45))
    assert len(events(world, 1001, "cc_test_asked")) == 1


def test_route_6_a_handoff_to_the_command_center_asks_again(world: World, priya: Driver) -> None:
    priya.command("/case handoff CASE-1001 @marco taking a break")
    assert len(events(world, 1001, "cc_test_asked")) == 1
    as_user(world, "marco").press("Accept")
    assert cases(world)[0].coordinator_id == "U0CC02"
    assert [e.detail["round"] for e in events(world, 1001, "cc_test_asked")] == [1, 2]
    assert "(round 2)" in card(world, 2)


def test_route_6_not_asked_when_the_case_is_not_major(world: World, kenji: Driver) -> None:
    assert not events(world, 1001, "cc_test_asked")
