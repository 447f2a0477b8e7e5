"""What people read (issue 13, parts 2 and 5): `/case help` escaped and whole, an unknown
subcommand answered in two lines, and times and people as Slack shows them."""

from __future__ import annotations

import re

import pytest

from bot.sandbox.driver import Driver
from bot.sandbox.world import World


def _sections(world: World, user: str) -> list[str]:
    return [b["text"]["text"] for b in world.standin.ephemerals(user)[-1].blocks]


def test_intake_1_case_help_escapes_slack_markup_and_cuts_no_word(
    world: World, dana: Driver
) -> None:
    dana.command("/case help")
    eph = world.standin.ephemerals("U0DESK01")[-1]
    assert eph.text == "/case help: the commands and what they do"
    sections = _sections(world, "U0DESK01")
    assert all(len(s) <= 3000 for s in sections)
    lines = "\n".join(sections).splitlines()
    assert lines[0] == "*Casedesk*: `/case` commands"
    assert lines[1] == "• `/case` — open the intake form"
    assert lines[2].startswith("• `/case new &lt;summary&gt; [service=…]")
    estimate = next(line for line in lines if line.startswith("• `/case estimate"))
    assert "&lt;15m|30m|1h|4h|morning|14:30|2026-11-25 09:00&gt;" in estimate
    assert lines[-1].endswith("Quote a summary that contains `=`.")
    raw = "\n".join(sections)
    assert not re.search(r"<(?![@#!])", raw), "no bare < that Slack would read as a link"
    assert "…" not in raw.replace("[service=…]", "").replace("[impact=…]", "").replace(
        "[urgency=…]", ""
    ).replace("[type=…]", "").replace("[category=…]", "").replace("[KB-14 …]", "")


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("frobnicate", ""),
        ("list", " Did you mean `/case show` or `/case history`?"),
        ("figures", " Did you mean `/case reassignments` or `/case surveys`?"),
        ("histroy", " Did you mean `/case history`?"),
        ("esclate", " Did you mean `/case escalate`?"),
    ],
)
def test_intake_1_an_unknown_subcommand_is_answered_in_two_lines(
    world: World, dana: Driver, word: str, meant: str
) -> None:
    dana.command(f"/case {word} CASE-1001")
    (shown,) = _sections(world, "U0DESK01")
    assert shown == (f":warning: I don't know `{word}`.{meant}\n`/case help` lists every command.")
