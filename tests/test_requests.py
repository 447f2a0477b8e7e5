"""WORK-5: requests that are not incidents. Information requests are answered with knowledge-base
links and closed on the requester's confirmation; fulfillment follows the catalog's procedure
(prerequisites, authorisation, estimate); new services become an RFC for the change queue or a
standard change the desk implements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from store.models import Rfc
from tests.conftest import as_user, world_settings
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts

ALEX, JORDAN, MORGAN, RAVI = "U0USER01", "U0USER02", "U0MGR01", "U0EUC01"
OUT_OF_OFFICE = "/case new How do I set an out-of-office reply type=info service=email for=@alex"
LAPTOP = "/case new New laptop for Jordan type=fulfillment service=laptops for=@jordan"


def rfcs(world: World) -> list[Rfc]:
    with world.runtime.db.transaction() as session:
        found = session.query(Rfc).order_by(Rfc.id).all()
        session.expunge_all()
        return found


def test_work_5_an_information_request_is_answered_with_links_and_closed_on_receipt(
    world: World, dana: Driver
) -> None:
    dana.command(OUT_OF_OFFICE)
    dana.command("/case answer CASE-1001 KB-31")
    assert "Sent 1 article link(s) to <@U0USER01>" in last_ephemeral(world, "U0DESK01")
    answer = dm_texts(world, ALEX)[-1]
    assert "/kb/KB-31" in answer and "Got it, thanks" in answer
    assert "automatic reply" not in answer.split("These answer your question:")[0]
    as_user(world, "alex").press("Got it, thanks")
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "resolved")
    assert case.closure and case.closure.root_cause == "Request (no fault)"
    assert case.closure.kb == "applied" and case.first_contact_resolution is True
    assert [
        e.kind for e in events(world, 1001) if e.kind in ("information_sent", "receipt_confirmed")
    ] == [
        "information_sent",
        "receipt_confirmed",
    ]
    assert ("KB-31", "applied") in world.runtime.kb.links_of_case(1001)
    assert "Got it, thanks" not in dm_texts(world, ALEX)[-2], "the buttons go once answered"


def test_work_5_i_still_need_help_reopens_it_to_the_desk(world: World, dana: Driver) -> None:
    dana.command(OUT_OF_OFFICE)
    dana.command("/case answer CASE-1001 KB-31 KB-8")
    as_user(world, "alex").press("I still need help")
    (case,) = cases(world)
    assert (case.state, case.reopen_count) == ("in_progress", 1)
    (reopened,) = events(world, 1001, "reopened")
    assert reopened.reason == "The articles sent did not answer my question."


@pytest.mark.parametrize(
    ("who", "line", "problem"),
    [
        ("dana", "/case answer CASE-1001 KB-21", "KB-21 is restricted to the desk's staff"),
        ("dana", "/case answer CASE-1001 KB-999", "There is no article KB-999"),
        ("dana", "/case answer CASE-1001 the out of office page", "Name articles as KB-12"),
        ("dana", "/case answer CASE-1002 KB-31", "CASE-1002 is not an information request"),
        ("alex", "/case answer CASE-1001 KB-31", "You can't answer CASE-1001"),
    ],
)
def test_work_5_bad_answers_are_refused_and_change_nothing(
    world: World, dana: Driver, who: str, line: str, problem: str
) -> None:
    dana.command(OUT_OF_OFFICE)
    dana.command("/case new Outlook crashes on start service=email for=@jordan")
    dana.press("Record a new case anyway")  # CASE-1001 is on e-mail, within the hour
    person = as_user(world, who)
    person.command(line)
    assert problem in last_ephemeral(world, person.user)
    assert all(not events(world, c.number, "information_sent") for c in cases(world))
    assert all(c.resolution is None for c in cases(world))


def test_work_5_only_the_requester_confirms_receipt(world: World, dana: Driver) -> None:
    dana.command(OUT_OF_OFFICE)
    dana.command("/case answer CASE-1001 KB-31")
    with pytest.raises(ValueError, match="Only the requester of CASE-1001"):
        world.runtime.desk.requests.confirm_information(1001, actor=JORDAN, got_it=True)
    assert cases(world)[0].verified_at is None and cases(world)[0].state == "resolved"


def test_work_5_fulfillment_follows_the_catalog_procedure(world: World, dana: Driver) -> None:
    dana.command(LAPTOP)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.command("/case request CASE-1001 new-laptop")
    procedure = dm_texts(world, RAVI)[-1]
    assert "follows the catalog procedure *A new or replacement laptop*" in procedure
    assert "1. Cost centre to charge" in procedure and "waiting for a manager" in procedure
    assert "needs a manager's authorisation first" in dm_texts(world, JORDAN)[-1]
    ravi.command("/case resolve CASE-1001 Delivered a new laptop")
    assert "waits for a manager to authorise `new-laptop`" in last_ephemeral(world, RAVI)
    as_user(world, "morgan").press("Authorise")
    told = dm_texts(world, JORDAN)
    assert any("is authorised; work on it starts now" in t for t in told)
    (case,) = cases(world)
    assert case.estimate_kind == "resolution" and case.estimate_at is not None
    ravi.command("/case resolve CASE-1001 Delivered a new laptop")
    assert "still needs: Cost centre to charge; Asset tag" in last_ephemeral(world, RAVI)
    ravi.command("/case prereq CASE-1001 1")
    ravi.press("2. met")
    assert ":white_check_mark: 2." in dm_texts(world, RAVI)[-1]
    ravi.command("/case resolve CASE-1001 Delivered a new laptop; old one collected")
    assert cases(world)[0].state == "waiting_on_coordinator"
    kinds = [
        e.kind for e in events(world, 1001) if e.kind.startswith(("catalog", "prereq", "request"))
    ]
    assert kinds == ["catalog_item", "request_authorized", "prerequisite_met", "prerequisite_met"]


def test_work_5_a_refusal_needs_a_reason_and_tells_the_requester(
    world: World, dana: Driver
) -> None:
    dana.command(LAPTOP)
    dana.command("/case request CASE-1001 new-laptop")
    morgan = as_user(world, "morgan")
    morgan.command("/case refuse CASE-1001")
    assert "Say why it is refused" in last_ephemeral(world, MORGAN)
    morgan.command("/case refuse CASE-1001 Laptops are replaced every four years; this is two")
    assert "was not authorised: Laptops are replaced" in dm_texts(world, JORDAN)[-1]
    dana.command("/case authorize CASE-1001")
    assert "It needs the managers role" in last_ephemeral(world, "U0DESK01")


def test_work_5_new_services_become_an_rfc_or_a_standard_change(world: World, dana: Driver) -> None:
    dana.command("/case new A distribution list for sales type=new service=email for=@jordan")
    dana.command("/case request CASE-1001 distribution-list")
    assert "is a standard change (RFC-1" in dm_texts(world, JORDAN)[-1]
    dana.command("/case resolve CASE-1001 Created sales-all@ with the team as members")
    (standard,) = rfcs(world)
    assert (standard.kind, standard.state, standard.implemented_by) == (
        "standard",
        "implemented",
        "U0DESK01",
    )
    dana.command("/case new A payroll report by cost centre type=new service=payroll for=@alex")
    dana.command("/case request CASE-1002 payroll-report")
    card = texts(world, "C0CHANGES")[-1]
    assert "*RFC-2* · request for change from *CASE-1002*" in card
    assert "request for change RFC-2" in dm_texts(world, ALEX)[-1]
    assert rfcs(world)[1].state == "submitted"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("/case request CASE-1001 teleporter", "`teleporter` is not a catalog request"),
        ("/case request CASE-1001", "Name the catalog item"),
        (
            "/case request CASE-1002 new-laptop",
            "CASE-1002 is recorded as incident resolution and `new-laptop` is for service "
            "fulfillment",
        ),
        ("/case prereq CASE-1001 9", "has 2 prerequisite(s)"),
        ("/case prereq CASE-1001 first", "Give the prerequisite's number"),
        ("/case request CASE-1001 shared-mailbox-access", "already follows `new-laptop`"),
    ],
)
def test_work_5_bad_requests_are_refused_and_change_nothing(
    world: World, dana: Driver, line: str, problem: str
) -> None:
    dana.command(LAPTOP)
    dana.command("/case new Outlook crashes on start type=incident service=email for=@alex")
    dana.command("/case request CASE-1001 new-laptop")
    before = [(c.request, len(c.events)) for c in cases(world)]
    dana.command(line)
    assert problem in last_ephemeral(world, "U0DESK01")
    assert [(c.request, len(c.events)) for c in cases(world)] == before


def test_work_5_work_1_the_catalog_estimate_counts_in_business_hours(database_url: str) -> None:
    """`new-laptop` promises 72 hours. Authorised on Christmas Eve at 17:30 (London, UTC in
    December), they count in office hours past the holidays: 0.5 h on the 24th, 10 h on each of
    the 29th, 30th, 31st and 4th to 7th of January (1 January is a holiday), and 1.5 h on the 8th.
    Far more than 14 days of wall time never refuses the desk's own promise."""
    start = datetime(2026, 12, 24, 17, 30, tzinfo=UTC)
    world = build_world(world_settings(database_url), clock=Clock(start=start))
    try:
        Driver(world=world, user="U0DESK01").command(LAPTOP)
        ravi = as_user(world, "ravi")
        ravi.press("Take it", channel="C0EUCQ")
        ravi.command("/case request CASE-1001 new-laptop")
        as_user(world, "morgan").press("Authorise")
        (case,) = cases(world)
        expected = datetime(2027, 1, 8, 9, 30, tzinfo=UTC)
        assert case.estimate_kind == "resolution" and case.estimate_at is not None
        assert expected <= case.estimate_at <= expected + timedelta(seconds=30)
        told = [t for t in dm_texts(world, JORDAN) if "expects your request to be resolved by" in t]
        assert f"<!date^{int(case.estimate_at.timestamp())}^" in told[-1]
    finally:
        world.close()
