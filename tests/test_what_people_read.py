"""What people read (issue 13, parts 2 and 5): `/case help` escaped and whole, an unknown
subcommand answered in two lines, and times and people as Slack shows them."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.sandbox.driver import Driver
from bot.sandbox.repl import Repl
from bot.sandbox.world import World
from store.models import CaseEvent
from tests.conftest import as_user
from tests.helpers import cases, events


def _sections(world: World, user: str) -> list[str]:
    return [b["text"]["text"] for b in world.standin.ephemerals(user)[-1].blocks]


def _sections_and_context(world: World, user: str) -> list[str]:
    blocks = world.standin.ephemerals(user)[-1].blocks
    return [
        b["text"]["text"] if b["type"] == "section" else b["elements"][0]["text"]
        for b in blocks
        if b["type"] in ("section", "context")
    ]


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
    usage_ellipses = re.sub(r"\[[a-z]+=…\]", "", raw).replace("[KB-14 …]", "")
    assert "…" not in usage_ellipses, "an ellipsis only in usage lines, never a cut word"


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("frobnicate", ""),
        ("ls", " Did you mean `/case list`?"),
        ("find", " Did you mean `/case search`?"),
        ("stats", " Did you mean `/case figures`?"),
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


def test_work_4_history_shows_dates_as_date_tokens_and_people_as_mentions(
    world: World, dana: Driver
) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    kenji = as_user(world, "kenji")
    kenji.command("/case take CASE-1001 30m")
    kenji.command("/case history CASE-1001")
    (_title, body, _foot) = _sections_and_context(world, "U0NET01")
    (estimate,) = events(world, 1001, "estimate")
    (coordinator,) = events(world, 1001, "coordinator")
    promised = cases(world)[0].estimate_at
    assert promised is not None and promised - estimate.at == timedelta(minutes=30)

    def token(moment: datetime) -> str:
        utc = moment.astimezone(UTC)
        fallback = f"{utc:%a} {utc.day} {utc:%b %Y %H:%M} UTC"
        return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"

    lines = body.splitlines()
    assert lines[0] == (
        f"• {token(estimate.at)} · <@U0NET01> · estimate: next contact by "
        f"{token(promised)} — promised to the requester: next contact"
    )
    assert lines[3] == (
        f"• {token(coordinator.at)} · <@U0NET01> · coordinator: <@U0DESK01> → <@U0NET01> — "
        "taken from the Network Operations queue"
    )
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", body), "no ISO time is shown"


def test_work_4_the_sandbox_shows_dates_in_the_readers_zone_and_people_by_name(
    world: World,
) -> None:
    out = io.StringIO()
    repl = Repl(world, out)
    for line in ("as dana", "/case new VPN drops service=vpn urgency=medium for=@alex"):
        repl.handle(line)
    with world.runtime.db.transaction() as session:  # recorded on 1 July, in summer time
        session.execute(update(CaseEvent).values(at=datetime(2026, 7, 1, 8, 5, tzinfo=UTC)))
    out.truncate(0)
    repl.handle("/case history CASE-1001")
    shown = out.getvalue()
    assert "• Wed 1 Jul 09:05 · @Dana Reyes · recorded the case: CASE-1001" in shown
    assert not re.search(r"<@|<!date|\d{4}-\d{2}-\d{2}T|U0[A-Z0-9]{4}", shown)


def test_the_sandbox_reads_your_own_dms_by_count(world: World) -> None:
    """`dm 1` is your own newest DM, as `dm alex 1` is Alex's (not a person called "1")."""
    out = io.StringIO()
    repl = Repl(world, out)
    repl.handle("/case new VPN drops service=vpn urgency=medium for=@alex")
    repl.handle("as alex")
    out.truncate(0)
    out.seek(0)
    repl.handle("dm 1")
    mine = out.getvalue()
    out.truncate(0)
    out.seek(0)
    repl.handle("dm alex 1")
    assert mine == out.getvalue()
    assert "CASE-1001" in mine and "no one called" not in mine


CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}
NOT_CONFIRMED = (
    "{who} has not confirmed that it works. Ask them first (Verify with the requester, or "
    '`/case verify CASE-1001`); if they do not answer within 24 h, close with the code "no '
    'response".'
)


def _close_too_early(world: World, dana: Driver, *, names_fail: bool = False) -> str:
    dana.command("/case new Printer jams service=printers urgency=medium for=@alex")
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    if names_fail:  # after intake, whose own users.info check (INTAKE-2) must succeed
        world.standin.fail("users.info", status=200, error="user_not_found", times=5)
    ravi.command("/case close CASE-1001")
    for label, value in CLOSE_ANSWERS.items():
        ravi.fill(label, value)
    ravi.submit()
    return world.standin.view_stack("U0EUC01")[-1].errors["code"]


def test_close_1_a_forms_error_names_the_requester_by_name_not_id(
    world: World, dana: Driver
) -> None:
    assert _close_too_early(world, dana) == NOT_CONFIRMED.format(who="Alex Chen")
    ravi = as_user(world, "ravi")  # the same refusal again: the name is kept, not re-read
    for label, value in CLOSE_ANSWERS.items():
        ravi.fill(label, value)
    ravi.submit()
    errors = world.standin.view_stack("U0EUC01")[-1].errors
    assert errors == {"code": NOT_CONFIRMED.format(who="Alex Chen")}
    asked = [c.args["user"] for c in world.standin.calls if c.method == "users.info"]
    assert asked == ["U0USER01", "U0USER01"]  # intake's is-a-person check, then the name once


def test_close_1_a_forms_error_says_a_colleague_when_slack_cannot_say_who(
    world: World, dana: Driver
) -> None:
    assert _close_too_early(world, dana, names_fail=True) == NOT_CONFIRMED.format(who="a colleague")
