"""CLOSE-5's problem case (opened for P1/P2 closes with the timeline attached) and QUAL-3
(review, preventive actions with owners and due dates reminded by the clocks, management's
approval, actions recorded as done)."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.models import Problem
from tests.conftest import as_user
from tests.helpers import dm_texts, events, fill_and_submit, last_ephemeral, texts
from tests.test_major import CLOSE_ANSWERS, mail_outage, resolve_and_close

MARCO, TOM, OLGA, MORGAN = "U0CC02", "U0MSG01", "U0NET02", "U0MGR01"


def problems(world: World) -> list[Problem]:
    with world.runtime.db.transaction() as session:
        found = session.query(Problem).order_by(Problem.id).all()
        for problem in found:
            _ = [a.done_at for a in problem.actions]
        session.expunge_all()
        return found


def closed_p1(world: World, dana: Driver) -> Driver:
    priya = mail_outage(world, dana)
    resolve_and_close(world, priya)
    return as_user(world, "marco")


def test_close_5_a_p1_close_opens_a_problem_with_the_timeline_attached(
    world: World, dana: Driver
) -> None:
    closed_p1(world, dana)
    (problem,) = problems(world)
    assert (problem.ref, problem.state, problem.owner_id) == ("PRB-1", "open", MARCO)
    kinds = [e["kind"] for e in problem.timeline]
    assert kinds[0] == "recorded" and "closed" in kinds and "problem_opened" not in kinds
    (opened,) = events(world, 1001, "problem_opened")
    assert opened.new_value == "PRB-1"
    card = texts(world, "C0PROBLEMS")[-1]
    assert "PRB-1" in card and "problem from *CASE-1001* (P1)" in card
    assert "Case timeline at close" in card and "Review:* not written yet" in card
    assert "You own *PRB-1*" in dm_texts(world, MARCO)[-1]


def test_close_5_a_p3_close_opens_no_problem(world: World, dana: Driver) -> None:
    dana.command("/case new Password expired for Alex service=identity urgency=medium for=@alex")
    dana.command("/case resolve CASE-1001 Reset the password with Alex on the phone")
    dana.command("/case verify CASE-1001")
    as_user(world, "alex").press("Yes, it works")
    dana.command("/case close CASE-1001")
    fill_and_submit(dana, CLOSE_ANSWERS)
    assert problems(world) == []


def test_qual_3_review_actions_approval_reminders_and_done(world: World, dana: Driver) -> None:
    marco = closed_p1(world, dana)
    marco.command(
        "/problem review PRB-1 The primary mail store ran out of disk; no alert fired before it "
        "filled. Failover worked."
    )
    marco.command("/problem action PRB-1 @tom 14d Add disk-space alerts at 80 % on both stores")
    marco.command("/problem action PRB-1 @olga 30d Review failover runbook timings")
    assert "Action A2 added to PRB-1" in last_ephemeral(world, MARCO)
    assert "You own preventive action *A1* of *PRB-1*" in dm_texts(world, TOM)[-1]
    marco.command("/problem submit PRB-1")
    request = dm_texts(world, MORGAN)[-1]
    assert "submits *PRB-1*" in request and "The primary mail store ran out of disk" in request
    as_user(world, "morgan").press("Approve")
    assert problems(world)[0].state == "approved"
    assert "approved *PRB-1*" in dm_texts(world, MARCO)[-1]

    marco.pass_time(timedelta(days=14, minutes=1))
    assert "due now" in dm_texts(world, TOM)[-1] and "A1" in dm_texts(world, TOM)[-1]
    marco.pass_time(timedelta(days=1))
    assert "overdue" in dm_texts(world, TOM)[-1]
    assert "overdue" in dm_texts(world, MARCO)[-1], "the problem's owner hears of overdue work"
    as_user(world, "tom").command("/problem done PRB-1 A1 Alerts live on both stores")
    assert problems(world)[0].state == "approved", "A2 is still open"
    as_user(world, "olga").command("/problem done PRB-1 a2")
    (problem,) = problems(world)
    assert problem.state == "closed" and all(a.done_at for a in problem.actions)
    kinds = [e.kind for e in events(world, 1001) if e.kind.startswith("problem_")]
    assert kinds[:6] == [
        "problem_opened",
        "problem_reviewed",
        "problem_action_added",
        "problem_action_added",
        "problem_submitted",
        "problem_approved",
    ]
    assert kinds[-3:] == ["problem_action_done", "problem_action_done", "problem_closed"]
    reminders_before = len(events(world, 1001, "problem_action_reminded"))
    marco.pass_time(timedelta(days=5))
    assert len(events(world, 1001, "problem_action_reminded")) == reminders_before


BAD_STEPS = [
    ("marco", "/problem submit PRB-1", "PRB-1 needs a review"),
    ("alex", "/problem review PRB-1 It was bad", "You can't review PRB-1"),
    ("marco", "/problem review PRB-1", "Write the review"),
    ("marco", "/problem action PRB-1 tom 14d Fix it", "Name the action's owner with an"),
    ("marco", "/problem action PRB-1 @tom someday Fix it", "can't read 'someday' as a due"),
    ("marco", "/problem action PRB-1 @tom 2020-01-01 Fix it", "That due date has passed"),
    ("marco", "/problem action PRB-1 @tom 400d Fix it", "within a year"),
    ("marco", "/problem action PRB-1 @tom", "Something is missing"),
    ("marco", "/problem approve PRB-1", "You can't approve PRB-1"),
    ("morgan", "/problem approve PRB-1", "is not waiting for approval"),
    ("marco", "/problem done PRB-1 A7", "has no action A7"),
    ("marco", "/problem show PRB-9", "There is no PRB-9"),
    ("marco", "/problem show banana", "'banana' is not a problem reference"),
]


def test_qual_3_bad_steps_are_refused_and_change_nothing(world: World, dana: Driver) -> None:
    closed_p1(world, dana)
    before = problems(world)[0]
    for who, line, problem in BAD_STEPS:
        person = as_user(world, who)
        person.command(line)
        assert problem in last_ephemeral(world, person.user), line
        after = problems(world)[0]
        assert (after.state, after.review, len(after.actions)) == (
            before.state,
            before.review,
            len(before.actions),
        ), line


def test_qual_3_nobody_approves_their_own_review_and_a_rejection_needs_a_reason(
    world: World, dana: Driver
) -> None:
    closed_p1(world, dana)
    morgan = as_user(world, "morgan")
    morgan.command("/problem review PRB-1 Disk filled; no alert")
    morgan.command("/problem action PRB-1 @tom 14d Add disk alerts")
    morgan.command("/problem submit PRB-1")
    morgan.command("/problem approve PRB-1")
    assert "You wrote the review of PRB-1" in last_ephemeral(world, MORGAN)
    morgan.command("/problem reject PRB-1")
    assert "Say what must change" in last_ephemeral(world, MORGAN)
    assert problems(world)[0].state == "awaiting_approval"
    morgan.command("/problem reject PRB-1 Add who checks the alert thresholds quarterly")
    assert problems(world)[0].state == "open"
    assert "sent *PRB-1* back" in dm_texts(world, MARCO)[-1]
    as_user(world, "tom").command("/problem done PRB-1 A1 done")
    as_user(world, "tom").command("/problem done PRB-1 A1 again")
    assert "already done" in last_ephemeral(world, TOM)
