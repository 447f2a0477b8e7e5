"""QUAL-2's desk lead's Home: a manager's App Home shows the whole desk (open cases by group
and priority, untaken majors, breaches today, clocks at risk, handoffs waiting, the week's
figures), each case with Show and Take it, within Slack's 100 blocks, kept current by the
outbox's Home refresh; everyone else's Home is as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from bot.render.common import when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.models import Case
from tests.conftest import as_user
from tests.helpers import message_text
from tests.test_lists import DANA, LONDON, MORGAN, case_of, due, five_cases

TABLE = (
    "*Open cases by group and priority*\n"
    "```Group                       P1  P2  P3  P4  P5  All\n"
    "Operations Command Center    0   1   0   0   0    1\n"
    "Network Operations           0   0   1   0   0    1\n"
    "Identity and Access          0   0   0   0   1    1\n"
    "End-User Computing           0   0   2   0   0    2\n"
    "All groups                   0   1   3   0   1    5```"
)


@pytest.fixture
def desk(database_url: str) -> Iterator[World]:
    """The five cases of tests/test_lists.py, on Sunday 6 December at noon."""
    yield from five_cases(database_url)


def breached(case: Case, metric: str) -> datetime:
    found = next(c.breached_at for c in case.clocks if c.metric == metric)
    assert found is not None
    return found


def home(world: World, user: str) -> list[dict[str, Any]]:
    view = world.standin.home_view(user)
    assert view is not None
    return list(view["blocks"])


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Each block as its text (sections, contexts) or its buttons' labels (actions)."""
    found = []
    for block in blocks:
        if block["type"] == "actions":
            found.append("[" + " | ".join(e["text"]["text"] for e in block["elements"]) + "]")
        elif block["type"] in ("section", "context", "header"):
            found.append(message_text("", [block]).strip())
    return found


def between(blocks: list[str], start: str, end: str) -> list[str]:
    first = next(i for i, t in enumerate(blocks) if t.startswith(start))
    last = next(i for i, t in enumerate(blocks) if i > first and t.startswith(end))
    return blocks[first:last]


def test_qual_2_a_managers_home_shows_the_whole_desk_with_show_and_take_it(desk: World) -> None:
    morgan = as_user(desk, "morgan")
    morgan.open_home()
    shown = texts(home(desk, MORGAN))
    assert shown[:3] == ["Northwind IT Service Desk", ":bar_chart: *The whole desk*", TABLE]
    payroll, vpn = case_of(desk, 1004), case_of(desk, 1002)
    assert between(shown, ":rotating_light:", ":red_circle:") == [
        ":rotating_light: *Untaken major incidents* (1)",
        "*CASE-1004* · P2 · Payroll export fails · in the queue of Operations Command Center",
        "[Show]",  # Morgan is not in the command center: no Take it
    ]
    assert between(shown, ":red_circle:", ":hourglass") == [
        ":red_circle: *Breaches today* (0)",
        "No clock missed its target today.",
    ]
    assert between(shown, ":hourglass", ":handshake:") == [
        ":hourglass_flowing_sand: *Clocks at risk* (2)",
        "*CASE-1004* · P2 · Payroll export fails · First response due "
        f"{when(due(payroll, 'first_response'))}",
        "[Show]",
        f"*CASE-1002* · P3 · VPN drops every hour · First response due "
        f"{when(due(vpn, 'first_response'))}",
        "[Show]",
    ]
    figures = between(shown, ":chart_with_upwards_trend:", ":bust_in_silhouette:")
    assert figures == [
        ":chart_with_upwards_trend: *The week's figures* · last 7 days",
        "*Cases*\n5 in, 0 closed\n*First-contact resolution*\nnone yet (0 of 0) · goal 80 %\n"
        "*SLA clocks met*\nnone yet (0 of 0)\n*Median first response*\nnone yet\n"
        "*Median resolution*\nnone yet\n*Open now*\n5",
        "Every figure with its counts: `/case figures`",
    ]
    morgan.pass_time(datetime(2026, 12, 7, 8, 5, tzinfo=LONDON) - desk.runtime.clock.now())
    morgan.open_home()  # Monday 08:05: the office-hours first responses are due within 1 h
    shown = texts(home(desk, MORGAN))
    risk = between(shown, ":hourglass", ":handshake:")
    assert risk[0] == ":hourglass_flowing_sand: *Clocks at risk* (6)"
    assert [" · ".join(line.split(" · ")[::3]) for line in risk[1:-1:2]] == [
        f"*CASE-1004* · First response missed, was due {when(due(payroll, 'first_response'))}",
        f"*CASE-1002* · First response missed, was due {when(due(vpn, 'first_response'))}",
        f"*CASE-1004* · Resolution missed, was due {when(due(payroll, 'resolution'))}",
        f"*CASE-1001* · First response due {when(due(case_of(desk, 1001), 'first_response'))}",
        f"*CASE-1005* · First response due {when(due(case_of(desk, 1005), 'first_response'))}",
    ], "missed first, then soonest due"
    assert risk[2:-1:2] == ["[Show]"] * 3 + ["[Show | Take it]"] * 2, "Morgan supervises EUC"
    assert risk[-1] == "and 1 more: `/case list at-risk`"
    morgan.press_on_home("Take it")
    assert case_of(desk, 1001).coordinator_id == MORGAN
    shown = texts(home(desk, MORGAN))
    assert "*CASE-1001* · P3 · Printer on floor 2 jams" not in " ".join(
        between(shown, ":hourglass", ":handshake:")
    ), "taken: its first response is met"


def test_qual_2_breaches_today_and_handoffs_waiting_reach_the_managers_home(desk: World) -> None:
    morgan = as_user(desk, "morgan")
    morgan.open_home()
    morgan.pass_time(datetime(2026, 12, 6, 13, 5, tzinfo=LONDON) - desk.runtime.clock.now())
    shown = texts(home(desk, MORGAN))
    today = between(shown, ":red_circle:", ":hourglass")
    payroll, vpn = case_of(desk, 1004), case_of(desk, 1002)
    assert today == [
        ":red_circle: *Breaches today* (2)",
        "*CASE-1002* · P3 · VPN drops every hour · First response missed "
        f"{when(breached(vpn, 'first_response'))}",
        "[Show]",
        "*CASE-1004* · P2 · Payroll export fails · First response missed "
        f"{when(breached(payroll, 'first_response'))}",
        "[Show]",
    ], "republished by the outbox at each breach; the latest first"
    priya = as_user(desk, "priya")
    priya.command("/case take CASE-1004")
    priya.command("/case handoff CASE-1004 @marco Taking over the payroll incident")
    shown = texts(home(desk, MORGAN))
    assert (
        between(shown, ":handshake:", ":chart_with_upwards_trend:")
        == [
            ":handshake: *Handoffs waiting for an answer* (1)",
            f"*CASE-1004* · P2 · Payroll export fails · <@U0CC01> → <@U0CC02> · offered "
            f"{when(desk.runtime.clock.now().replace(microsecond=0))}",
            "[Show]",
        ][:1]
        + shown[shown.index(":handshake: *Handoffs waiting for an answer* (1)") + 1 :][:2]
    )


def test_qual_2_the_home_stays_within_100_blocks_and_others_homes_are_unchanged(
    desk: World,
) -> None:
    dana = Driver(world=desk, user=DANA)
    for n in range(4):  # round-the-clock P3s: each first response due within the hour
        dana.command(f"/case new VPN {n} drops service=vpn urgency=high impact=minor for=@lee")
        dana.press("Record a new case anyway")
    for service in ("laptops", "identity", "email"):  # queues Morgan supervises: 10 shown each
        for n in range(10):
            dana.command(f"/case new Trouble {n} service={service} urgency=low for=@alex")
            dana.press("Record a new case anyway")
    morgan = as_user(desk, "morgan")
    morgan.open_home()
    blocks = home(desk, MORGAN)
    assert len(blocks) == 100
    shown = texts(blocks)
    assert ":hourglass_flowing_sand: *Clocks at risk* (6)" in shown
    assert "and 1 more: `/case list at-risk`" in shown
    assert shown[-1] == "More in the queues and `/case show`."
    dana.open_home()
    assert not any("The whole desk" in t for t in texts(home(desk, DANA)))
