"""ROUTE-3: warm handoff. The next coordinator gets the brief and must accept; until then the
current one stays. Unanswered offers are reminded, then go to the group's supervisor."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.errors import UserFacingError
from bot.sandbox.driver import Driver, SandboxError
from bot.sandbox.world import World
from bot.timeline import record_event
from store.models import Case, Handoff
from tests.conftest import as_user
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts

VPN_CASE = "/case new VPN drops every hour service=vpn urgency=medium for=@alex"


@pytest.fixture
def kenji(world: World, dana: Driver) -> Driver:
    """CASE-1001, a network case that Kenji (network) took and coordinates."""
    world.runtime.desk.kb = None
    dana.command(VPN_CASE)
    driver = as_user(world, "kenji")
    driver.press("Take it", channel="C0NETQ")
    assert cases(world)[0].coordinator_id == "U0NET01"
    return driver


def handoffs(world: World) -> list[Handoff]:
    with world.runtime.db.transaction() as session:
        return list(session.execute(select(Handoff).order_by(Handoff.id)).scalars())


def coordinator(world: World) -> str:
    return cases(world)[0].coordinator_id


def test_route_3_handoff_waits_for_acceptance(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom the VPN bug looks like a mail relay issue")
    assert "offered to <@U0MSG01>" in last_ephemeral(world, "U0NET01")
    (offer,) = handoffs(world)
    assert (offer.state, offer.from_user, offer.to_user) == ("pending", "U0NET01", "U0MSG01")
    assert coordinator(world) == "U0NET01", "ownership never has a gap"
    (case,) = cases(world)
    channel = world.standin.channel(case.channel_id or "")
    assert "U0MSG01" in channel.members, "the next coordinator is brought into the channel"
    assert world.standin.messages(channel.id)[0].pinned
    tom = as_user(world, "tom")
    tom.press("Accept")
    (case,) = cases(world)
    assert case.coordinator_id == "U0MSG01"
    assert "U0NET01" in case.active_parties("interested"), "the old coordinator stays informed"
    assert handoffs(world)[0].state == "accepted"
    assert "You are now the coordinator of CASE-1001" in last_ephemeral(world, "U0MSG01")
    assert any("accepted CASE-1001" in t for t in dm_texts(world, "U0NET01"))
    told = dm_texts(world, "U0USER01")[-1]
    assert "CASE-1001" in told and "<@U0MSG01>" in told and "new coordinator" in told
    kinds = [e.kind for e in events(world, 1001) if e.kind.startswith("handoff")]
    assert kinds == ["handoff_offered", "handoff_accepted"]
    assert [e.new_value for e in events(world, 1001, "coordinator")][-1] == "U0MSG01"


def add_note_and_estimate(world: World, *, estimate: bool) -> None:
    """What WORK-1 and WORK-4 write: a troubleshooting note and a promised next contact."""
    now = world.runtime.clock.now()
    with world.runtime.db.transaction() as session:
        case = session.execute(select(Case)).scalar_one()
        record_event(case, at=now, actor="U0NET01", kind="note", reason="Rebooted the VPN gateway")
        if estimate:
            case.estimate_kind, case.estimate_at = "contact", now + timedelta(hours=2)


def test_route_3_the_brief_has_what_the_next_coordinator_needs(world: World, kenji: Driver) -> None:
    add_note_and_estimate(world, estimate=True)
    kenji.command("/case handoff CASE-1001 @tom please take it over")
    brief = dm_texts(world, "U0MSG01")[-1]
    for expected in (
        "please take it over",  # the note
        "VPN drops every hour",  # summary
        "<@U0USER01>",  # requester
        "P3",  # priority
        "Resolution:",  # SLA left
        "left",
        "Assigned",  # current state
        "Rebooted the VPN gateway",  # what was tried
        "next contact by",  # the promised next contact
        "Accept",
        "Decline",
    ):
        assert expected in brief, expected


def test_route_3_without_an_estimate_the_brief_says_none_yet(world: World, kenji: Driver) -> None:
    add_note_and_estimate(world, estimate=False)
    kenji.command("/case handoff CASE-1001 @tom")
    brief = dm_texts(world, "U0MSG01")[-1]
    assert "none yet" in brief and "Rebooted the VPN gateway" in brief


def test_route_3_the_hand_over_button_opens_a_form(world: World, kenji: Driver) -> None:
    kenji.press("Hand over", channel="C0NETQ")
    kenji.fill("Next coordinator", "tom")
    kenji.fill("Note for them", "mail relay")
    kenji.submit()
    (offer,) = handoffs(world)
    assert (offer.to_user, offer.note, offer.state) == ("U0MSG01", "mail relay", "pending")
    assert coordinator(world) == "U0NET01"


def test_route_3_decline_needs_a_reason_and_returns_it(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    tom = as_user(world, "tom")
    tom.press("Decline")
    answer = tom.submit()
    assert answer is not None and answer["response_action"] == "errors"
    tom.fill("Why do you decline", "I am off shift from noon")
    tom.submit()
    assert handoffs(world)[0].state == "declined"
    assert coordinator(world) == "U0NET01", "the case stays with the current coordinator"
    told = dm_texts(world, "U0NET01")[-1]
    assert "declined" in told and "I am off shift from noon" in told
    assert events(world, 1001, "handoff_declined")[0].reason == "I am off shift from noon"
    assert "Accept" not in dm_texts(world, "U0MSG01")[-1], "the answered offer lost its buttons"


def test_route_3_unanswered_offers_are_reminded_then_escalated(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    kenji.pass_time(timedelta(minutes=14))
    assert not any("Reminder" in t for t in dm_texts(world, "U0MSG01"))
    kenji.pass_time(timedelta(minutes=2))
    assert any("Reminder" in t for t in dm_texts(world, "U0MSG01"))
    assert handoffs(world)[0].reminded_at is not None
    assert not any("no answer" in t for t in dm_texts(world, "U0NET02"))
    kenji.pass_time(timedelta(minutes=15))
    (offer,) = handoffs(world)
    assert offer.escalated_at is not None and offer.state == "pending"
    supervisor = dm_texts(world, "U0NET02")[-1]
    assert "has had no answer" in supervisor and "VPN drops every hour" in supervisor
    assert coordinator(world) == "U0NET01"
    olga = as_user(world, "olga")
    olga.press("Accept it myself")
    assert coordinator(world) == "U0NET02"
    assert handoffs(world)[0].answered_by == "U0NET02"
    assert any("nothing for you to do" in t for t in dm_texts(world, "U0MSG01"))
    with pytest.raises(SandboxError):  # the offer and its reminder were edited: no buttons left
        as_user(world, "tom").find_button("Accept")
    kinds = [e.kind for e in events(world, 1001) if e.kind.startswith("handoff")]
    assert kinds == [
        "handoff_offered",
        "handoff_reminded",
        "handoff_escalated",
        "handoff_accepted",
    ]


def test_route_3_the_supervisor_may_hand_it_to_someone_else(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    kenji.pass_time(timedelta(minutes=31))
    olga = as_user(world, "olga")
    olga.press("Hand to someone else")
    olga.fill("Next coordinator", "dana")
    olga.submit()
    first, second = handoffs(world)
    assert (first.state, second.state, second.to_user) == ("cancelled", "pending", "U0DESK01")
    assert any("withdrawn by <@U0NET02>" in t for t in dm_texts(world, "U0MSG01"))
    assert coordinator(world) == "U0NET01"
    as_user(world, "dana").press("Accept")
    assert coordinator(world) == "U0DESK01"


def test_route_3_answering_stops_the_timers(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    as_user(world, "tom").press("Accept")
    kenji.pass_time(timedelta(hours=1))
    assert not any("Reminder" in t for t in dm_texts(world, "U0MSG01"))
    assert not any("has had no answer" in t for t in dm_texts(world, "U0NET02"))


def test_route_3_simultaneous_accepts_change_the_coordinator_once(
    world: World, kenji: Driver
) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    (offer,) = handoffs(world)
    desk, barrier = world.runtime.desk, threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        barrier.wait()
        try:
            desk.work.accept_handoff(1001, offer.id, actor="U0MSG01")
            outcomes.append("won")
        except UserFacingError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "won" and "already accepted" in sorted(outcomes)[0]
    assert [e.new_value for e in events(world, 1001, "coordinator")].count("U0MSG01") == 1
    assert len(events(world, 1001, "handoff_accepted")) == 1
    assert coordinator(world) == "U0MSG01"


def test_route_3_a_double_clicked_accept_answers_already_accepted(
    world: World, kenji: Driver
) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    tom = as_user(world, "tom")
    accept = tom.find_button("Accept")
    tom.click(accept)
    tom.click(accept)
    assert "already accepted" in last_ephemeral(world, "U0MSG01")
    assert len(events(world, 1001, "handoff_accepted")) == 1


def test_route_3_only_the_named_person_may_answer(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    (offer,) = handoffs(world)
    with pytest.raises(UserFacingError, match="only they can answer"):
        world.runtime.desk.work.accept_handoff(1001, offer.id, actor="U0NET02")
    assert coordinator(world) == "U0NET01" and handoffs(world)[0].state == "pending"


def test_route_3_a_second_handoff_waits_for_the_first_or_its_cancel(
    world: World, kenji: Driver
) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    kenji.command("/case handoff CASE-1001 @dana")
    said = last_ephemeral(world, "U0NET01")
    assert "already being handed to <@U0MSG01>" in said and "/case handoff cancel" in said
    assert len(handoffs(world)) == 1
    kenji.command("/case handoff cancel CASE-1001")
    assert handoffs(world)[0].state == "cancelled"
    assert any("withdrawn" in t for t in dm_texts(world, "U0MSG01"))
    kenji.command("/case handoff CASE-1001 @dana")
    assert [h.state for h in handoffs(world)] == ["cancelled", "pending"]


def test_route_3_in_the_case_channel_the_case_is_implied(world: World, kenji: Driver) -> None:
    kenji.command("/case handoff CASE-1001 @tom")
    kenji.command("/case handoff cancel")
    assert "Name the case" in last_ephemeral(world, "U0NET01"), "outside its channel"
    kenji.channel = cases(world)[0].channel_id or ""
    kenji.command("/case handoff cancel")
    assert "withdrawn" in last_ephemeral(world, "U0NET01")
    kenji.command("/case handoff @dana over to the desk")
    assert handoffs(world)[-1].to_user == "U0DESK01"
    assert any("offered CASE-1001" in t for t in texts(world, kenji.channel))


@pytest.mark.parametrize(
    ("who", "line", "says"),
    [
        ("kenji", "/case handoff CASE-1001 @casedesk", "is a bot"),
        ("kenji", "/case handoff CASE-1001 @gone", "deactivated"),
        ("kenji", "/case handoff CASE-1001 <@U0GHOST>", "not a member of this workspace"),
        ("kenji", "/case handoff CASE-1001 @nobody", "don't know anyone called '@nobody'"),
        ("kenji", "/case handoff CASE-1001 @kenji", "You already coordinate CASE-1001"),
        ("kenji", "/case handoff CASE-1001", "Name the next coordinator"),
        ("kenji", "/case handoff CASE-1001 @alex", "not on the desk or in a resolver group"),
        ("jordan", "/case handoff CASE-1001 @tom", "You can't hand it over"),
        ("ravi", "/case handoff CASE-1001 @tom", "the coordinator of CASE-1001 (<@U0NET01>)"),
        ("kenji", "/case handoff cancel CASE-1001", "has no handoff waiting"),
        ("kenji", "/case handoff CASE-77 @tom", "There is no CASE-77"),
    ],
)
def test_route_3_bad_handoffs_are_answered_and_change_nothing(
    world: World, kenji: Driver, who: str, line: str, says: str
) -> None:
    world.standin.add_user("U0GONE", name="gone", deleted=True)
    before = len(events(world, 1001))
    as_user(world, who).command(line)
    user = kenji.resolve_user(who)
    assert says in last_ephemeral(world, user)
    assert handoffs(world) == [] and coordinator(world) == "U0NET01"
    assert len(events(world, 1001)) == before


def test_route_3_a_closed_case_cannot_be_handed_over(world: World, kenji: Driver) -> None:
    with world.runtime.db.transaction() as session:
        session.execute(select(Case)).scalar_one().state = "closed"
    kenji.command("/case handoff CASE-1001 @tom")
    assert "is closed" in last_ephemeral(world, "U0NET01")
    assert handoffs(world) == []


def test_route_3_two_offers_at_the_same_moment_leave_one_pending(
    world: World, kenji: Driver
) -> None:
    desk, barrier = world.runtime.desk, threading.Barrier(2)
    outcomes: list[str] = []

    def offer(to_user: str) -> None:
        barrier.wait()
        try:
            desk.work.handoff(1001, actor="U0NET01", to_user=to_user, note="")
            outcomes.append("offered")
        except UserFacingError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=offer, args=(u,)) for u in ("U0MSG01", "U0DESK01")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "offered" and "already being handed" in sorted(outcomes)[0]
    assert [h.state for h in handoffs(world)] == ["pending"]
    assert len(events(world, 1001, "handoff_offered")) == 1
