"""QUAL-2: the desk's figures on demand (`/case figures`), with the figures of CLOSE-6, SLA-2,
INTAKE-6, CLASSIFY-2, KB-3/KB-4, ROUTE-4 and QUAL-1, read from a scripted history
(tests/figures_history.py) with every expected value worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.figures import DeskFigures, Durations, Share
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from tests.conftest import as_user, module_database, world_settings
from tests.figures_history import START, StillClock, day, history
from tests.helpers import events, last_ephemeral

PERIOD = "2026-11-02..2026-11-20"
MANAGER, OLGA, KENJI, DANA, ALEX = "U0MGR01", "U0NET02", "U0NET01", "U0DESK01", "U0USER01"


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    built = build_world(world_settings(database_url), clock=StillClock(START))
    yield built
    built.close()


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The scripted history, lived once for the module: the tests only read figures from it
    (their commands add ephemeral answers, never a case or an event), and its clock stands
    still, so each test sees what a fresh history would show."""
    with module_database(tmp_path_factory) as url:
        built = build_world(world_settings(url), clock=StillClock(START))
        history(built, Driver(world=built, user=DANA))
        yield built
        built.close()


def figures(world: World, text: str = PERIOD, actor: str = MANAGER) -> DeskFigures:
    return world.runtime.desk.reports.figures(text=text, actor=actor)


def shown_to(world: World, user: str, text: str) -> list[str]:
    as_user(world, user).command(f"/case figures {text}".rstrip())
    return last_ephemeral(world, user).splitlines()


def test_close_6_first_contact_resolution_and_reopens_against_the_goal(lived: World) -> None:
    f = figures(lived)
    # Resolving closes in the period: 1001-1005 (1006 was declined, 1008 withdrawn) = 5.
    # First contact: 1001 only (the desk fixed it; 1002-1005 were worked by resolver groups).
    assert f.first_contact.resolved == Share(part=1, whole=5)
    assert f.first_contact.goal == 0.8 and f.first_contact.meets_goal is False
    assert f.reopened == Share(part=1, whole=5)  # 1002's requester said No once
    assert (f.cases, f.closed) == (10, 7)
    lines = shown_to(lived, MANAGER, PERIOD)
    assert "20 % (1 of 5 resolving closes) · goal 80 % :warning: below the goal" in lines
    assert "Reopened: 20 % (1 of 5 resolving closes)" in lines


def test_qual_2_sla_attainment_per_priority_and_clock(lived: World) -> None:
    tally = {
        (t.priority, t.metric): (t.met, t.breached, t.running, t.stopped)
        for t in figures(lived).sla
    }
    assert tally == {
        # 1004 (P1): taken in 5 min, updated at 09:30, resolved 09:55, closed: all met.
        ("P1", "first_response"): (1, 0, 0, 0),
        ("P1", "next_update"): (1, 0, 0, 0),
        ("P1", "resolution"): (1, 0, 0, 0),
        # P3: 1001 (closed by the desk, never "responded": stopped), 1002, 1003, 1005 (met),
        # 1009 (nobody took it: breached at 10:00, one business hour after 09:00).
        ("P3", "first_response"): (3, 1, 0, 1),
        # 1002, 1005 met; 1003 breached (4 h from 14:05 plus the 2 h wait = 20:05, no update).
        ("P3", "next_update"): (2, 1, 0, 0),
        # 1001, 1002, 1003, 1005 met; 1009 breached after 24 business hours (Wed 18 13:00).
        ("P3", "resolution"): (4, 1, 0, 0),
        # P4: 1010 taken (met); 1006 declined and 1008 withdrawn before anyone responded.
        ("P4", "first_response"): (1, 0, 0, 2),
        ("P4", "next_update"): (0, 0, 1, 0),  # 1010's, running
        ("P4", "resolution"): (0, 0, 1, 2),
        # 1007 (P5, 24 business hours): breached Wed 11 14:00; resolution (100 h) still running:
        # 8 + 10 × 8 days + 4 = 92 business hours by Fri 20 noon.
        ("P5", "first_response"): (0, 1, 0, 0),
        ("P5", "resolution"): (0, 0, 1, 0),
    }
    lines = shown_to(lived, MANAGER, PERIOD)
    assert (
        "• *P3* Medium: first response 75 % (3 of 4), 1 breached, 0 running, 1 stopped · "
        "next update 67 % (2 of 3), 1 breached, 0 running · resolution 80 % (4 of 5), "
        "1 breached, 0 running"
    ) in lines


def test_qual_2_time_to_respond_and_resolve_in_business_and_wall_time(lived: World) -> None:
    f = figures(lived)
    # First responses met by the cases that came in: 1002 30 min, 1003 5, 1004 5, 1005 20,
    # 1010 10 (all in open hours, so business = wall): sorted 300, 300, 600, 1200, 1800 s.
    # Mean 4200 / 5 = 840; median the 3rd = 600; 90th percentile rank ceil(4.5) = 5th = 1800.
    assert f.first_response.business == Durations(count=5, mean=840.0, median=600.0, p90=1800.0)
    assert f.first_response.wall == f.first_response.business
    # Resolution (the clock stops while the requester is asked "Is it working?" and while the
    # case waits on them; wall time runs from first contact to the close):
    #   1001 09:00-09:10 = 600 business, 09:00-09:20 = 1200 wall
    #   1002 10:00-11:00 + 11:30-12:00 = 5400, 10:00-12:30 = 9000
    #   1003 14:00-15:00 + 17:00-10:00 next day = 64800, 20 h = 72000
    #   1004 09:00-09:55 = 3300, 09:00-10:10 (the approval closes it) = 4200
    #   1005 09:00-10:00 = 3600, 09:00-10:10 = 4200
    # Business sorted 600, 3300, 3600, 5400, 64800: mean 77700 / 5 = 15540, median 3600, p90
    # 64800. Wall sorted 1200, 4200, 4200, 9000, 72000: mean 90600 / 5 = 18120, median 4200.
    assert f.resolution.business == Durations(count=5, mean=15540.0, median=3600.0, p90=64800.0)
    assert f.resolution.wall == Durations(count=5, mean=18120.0, median=4200.0, p90=72000.0)
    lines = shown_to(lived, MANAGER, PERIOD)
    assert (
        "• Resolution (5 cases): business time mean 4 h 19 min, median 1 h 00 min, 90th "
        "percentile 18 h 00 min · wall time mean 5 h 02 min, median 1 h 10 min, 90th "
        "percentile 20 h 00 min"
    ) in lines


def test_qual_2_reassignments_per_case_escalations_and_transfers_apart(lived: World) -> None:
    r = figures(lived).reassignments
    # 1004 escalated command-center -> messaging; 1005 transferred end-user-computing -> network.
    assert (r.cases, r.reassignments, r.escalations, r.transfers) == (10, 2, 1, 1)
    assert r.per_case == 0.2
    moves = {
        g.group: (g.escalated_in, g.escalated_out, g.transferred_in, g.transferred_out)
        for g in r.groups
    }
    assert moves == {
        "command-center": (0, 1, 0, 0),
        "end-user-computing": (0, 0, 0, 1),
        "messaging": (1, 0, 0, 0),
        "network": (0, 0, 1, 0),
    }
    lived_dana = as_user(lived, "dana")
    lived_dana.command("/case reassignments 30")  # the older command reads the same query
    assert "*Reassignments, last 30 days*: 2 over 10 cases opened (0.20 per case)" in (
        last_ephemeral(lived, DANA)
    )


def test_intake_6_i_dont_know_answers_per_field_and_completed_later(lived: World) -> None:
    found = {u.field: (u.answered, u.completed) for u in figures(lived).unknowns}
    assert found == {
        "service_key": (0, 0),  # every case named a service (1007 one outside the catalog)
        # `/case new` without type= (1001-1003, 1005, 1006, 1008, 1009); the forms and 1010 gave it
        "request_type": (7, 0),
        # the same seven without category=, and 1007's form; 1007's was completed next day
        "category": (8, 1),
        "urgency": (0, 0),
        # `/case new` never asks (8 cases) and 1004's form said "I don't know"; 1007 said Nothing
        "recent_change": (9, 0),
        # the eight `/case new` cases answered no impact question; the two forms answered all
        "impact:people": (8, 0),
        "impact:groups": (8, 0),
        "impact:critical": (8, 0),
    }
    assert "• Category: 8 · completed later 13 % (1 of 8)" in shown_to(lived, MANAGER, PERIOD)


def test_classify_2_time_on_unsupported_services_and_services_missing_from_the_catalog(
    lived: World,
) -> None:
    found = figures(lived).unsupported.services
    assert [(s.name, s.in_catalog, s.cases, s.open_cases, s.time_spent) for s in found] == [
        # 1007: open since Mon 9 Nov 10:00, read Fri 20 Nov 12:00: 11 days 2 hours
        ("Webinar tool", False, 1, 1, timedelta(days=11, hours=2)),
        # 1006: declined 30 minutes after the contact
        ("Personal phones and home equipment", True, 1, 0, timedelta(minutes=30)),
    ]
    lines = shown_to(lived, MANAGER, PERIOD)
    assert "• *Webinar tool* (not in the catalog): 1 case, 1 open, 11 d 2 h" in lines


def test_kb_4_usefulness_suggestions_feedback_and_articles_applied_at_close(lived: World) -> None:
    kb = figures(lived).kb
    # Shown: every article the bot suggested on the period's cases, as their timelines say.
    suggested = sum(
        len(e.detail["articles"])
        for number in range(1001, 1011)
        for e in events(lived, number, "kb_suggested")
    )
    assert suggested > 0 and kb.shown == suggested
    # Pressed once each: Open and Send (1003), Fixed it (1002), Did not help (1005).
    assert (kb.opened, kb.sent, kb.fixed, kb.not_helped, kb.made_worse) == (1, 1, 1, 1, 0)
    # Of the five resolving closes only 1002's applied an article.
    assert (kb.closes_with_article, kb.closes_without_article) == (1, 4)
    lines = shown_to(lived, MANAGER, PERIOD)
    assert (
        "Article applied at close: 20 % (1 of 5 resolving closes) · closed without an "
        "article: 4" in lines
    )


def test_qual_2_survey_answer_rate_and_each_questions_average(lived: World) -> None:
    s = figures(lived).surveys
    # Sent at the closes of 1001 (Jordan), 1002 (Alex), 1003 (Lee); 1004, 1005 and 1006 went
    # to people surveyed within 30 days, 1008 was withdrawn (no survey). Jordan answered all
    # three questions, Alex one, Lee none.
    assert (s.sent, s.answered, s.completed) == (3, 2, 1)
    means = {q.key: (q.answers, q.mean) for q in s.questions if q.answers}
    # solved: Yes (3 of 3) and Partly (2 of 3): (3 + 2) / 2 = 2.5; speed Fast = 3; overall 5.
    assert means == {"solved": (2, 2.5), "speed": (1, 3.0), "overall": (1, 5.0)}
    assert s.overall_mean == 5.0
    lines = shown_to(lived, MANAGER, PERIOD)
    assert "Answered: 67 % (2 of 3 sent) · 1 complete" in lines
    assert "• Is your problem solved? 2.5 of 3 (2 answers: Yes 1, Partly 1, No 0)" in lines


def test_qual_2_open_cases_by_age_and_group_and_volume(lived: World) -> None:
    f = figures(lived)
    ages = {r.group: (r.under_1d, r.d1_to_3, r.d3_to_7, r.over_7d) for r in f.open_by_age}
    assert ages == {
        "identity": (0, 1, 0, 0),  # 1010: since Thu 19 09:00, 1 day 3 hours
        "messaging": (0, 0, 1, 0),  # 1009: since Mon 16 09:00, 4 days 3 hours
        "service-desk": (0, 0, 0, 1),  # 1007: since Mon 9 10:00, 11 days 2 hours
    }
    volume = {v.dimension: v.counts for v in f.volume}
    assert volume == {
        "request_type": (("unknown", 7), ("incident", 2), ("fulfillment", 1)),
        "category": (("unknown", 7), ("software", 3)),  # 1004, 1007 (completed), 1010
        "contact_channel": (("slack_command", 8), ("slack_form", 2)),
        "priority": (("P3", 5), ("P4", 3), ("P1", 1), ("P5", 1)),
    }


def test_qual_2_periods_bucket_by_first_contact_and_by_close(lived: World) -> None:
    # 7d from Fri 20 Nov 12:00: 1009 and 1010 came in; nothing closed.
    week = figures(lived, "7d")
    assert (week.cases, week.closed, week.first_contact.resolved) == (2, 0, Share(part=0, whole=0))
    # last week (Mon 9 - Sun 15 Nov): 1006, 1007, 1008 in; 1006 and 1008 closed, neither a
    # resolving close.
    last = figures(lived, "last-week")
    assert (last.cases, last.closed, last.first_contact.resolved.whole) == (3, 2, 0)
    # A single day: Mon 2 Nov: 1001-1003 came in; 1001 and 1002 closed that day (1003 on Tue).
    monday = figures(lived, "2026-11-02..2026-11-02")
    assert (monday.cases, monday.closed, monday.first_contact.resolved) == (
        3,
        2,
        Share(part=1, whole=2),
    )
    assert monday.period.end == day(3, 0)


def test_qual_2_each_reader_sees_their_own_groups_and_requesters_none(lived: World) -> None:
    # Olga supervises Network Operations and Kenji is in it: 1003 and 1005 are there now.
    for reader in (OLGA, KENJI):
        mine = figures(lived, actor=reader)
        assert mine.scope.groups == ("network",)
        assert (mine.cases, mine.closed, mine.first_contact.resolved) == (
            2,
            2,
            Share(part=0, whole=2),
        )
        assert {r.group for r in mine.reassignments.groups} == {"network", "end-user-computing"}
    # Dana (the desk) reads the Service Desk group: 1006 and 1007.
    desk = figures(lived, actor=DANA)
    assert (desk.scope.groups, desk.cases) == (("service-desk",), 2)
    assert figures(lived, actor=MANAGER).cases == 10
    lines = shown_to(lived, OLGA, PERIOD)
    assert any("groups: Network Operations · 2 cases in, 2 closed" in line for line in lines)
    refused = " ".join(shown_to(lived, ALEX, PERIOD))
    assert "You can't read the desk's figures." in refused and "<@U0MGR01>" in refused
    assert "Desk figures" not in refused
    out = " ".join(shown_to(lived, OLGA, f"{PERIOD} group=identity"))
    assert "You can read the figures of your own groups only (`network`)" in out


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        ("fortnight", "I can't read the period `fortnight`. Use `7d` (the default)"),
        ("0d", "`0d` is out of range: give 1 to 366 days"),
        ("2026-11-30..2026-11-01", "ends before it starts: put the earlier day first"),
        ("2026-11-01..2026-13-01", "is not a range of days: write both days as YYYY-MM-DD"),
        ("2025-01-01..2026-11-01", "is longer than 366 days"),
        ("group=plumbing", "There is no group `plumbing`. Groups: `service-desk`,"),
        ("service=zoom", "There is no service `zoom` in the catalog. Services: `email`,"),
        ("priority=P9", "There is no priority `P9`. Priorities: `P1`, `P2`, `P3`, `P4`, `P5`."),
        ("team=network", "I don't know the filter `team=`. Filters are `group=`, `service=`"),
        ("7d 30d", "Give one period, not 2 (`7d`, `30d`)."),
    ],
)
def test_qual_2_bad_words_get_an_answer_naming_what_is_allowed(
    world: World, words: str, answer: str
) -> None:
    shown = " ".join(shown_to(world, MANAGER, words))
    assert answer in shown and "Desk figures" not in shown


def test_qual_2_filters_narrow_every_figure(lived: World) -> None:
    p3 = figures(lived, f"{PERIOD} priority=p3")
    assert (p3.filters.priority, p3.cases, p3.closed) == ("P3", 5, 4)  # 1001-1003, 1005, 1009
    printers = figures(lived, f"{PERIOD} service=printers")
    assert (printers.cases, printers.reopened) == (2, Share(part=1, whole=2))  # 1002, 1005
    network = figures(lived, f"{PERIOD} group=network")
    assert (network.cases, network.reassignments.transfers) == (2, 1)
