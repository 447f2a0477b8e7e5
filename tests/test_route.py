"""ROUTE-1 (major cases: command center, case channel, page, brief, broadcast) and ROUTE-2
(the group's queue: one card per case, edited in place, with "Take it")."""

from __future__ import annotations

import re

from bot.routing import case_channel_name
from bot.sandbox.driver import Driver
from bot.sandbox.transcript import render_view
from bot.sandbox.world import World
from store.models import Case
from tests.conftest import as_user
from tests.helpers import (
    P1_ANSWERS,
    cases,
    dm_texts,
    events,
    fill_and_submit,
    outbox,
    texts,
    top_level,
)

CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def record_p1(dana: Driver) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)


def test_route_1_major_case_goes_to_the_command_center_with_a_channel(
    world: World, dana: Driver
) -> None:
    record_p1(dana)
    (case,) = cases(world)
    assert case.priority == "P1" and case.is_major and case.group_key == "command-center"
    channel = world.standin.channel(case.channel_id or "")
    assert channel.name == "case-1001-email-is-down-for-everyone"
    assert {"U0CC01", "U0DESK01"} <= set(channel.members), "on-call and recorder are in it"
    brief = world.standin.messages(channel.id)[0]
    assert brief.pinned and "Handoff brief" in brief.text
    assert "U0DESK01" in case.active_parties("interested")
    assert any("Page: CASE-1001" in t for t in dm_texts(world, "U0CC01"))
    assert any("Major incident CASE-1001" in t for t in texts(world, "C0MAJOR"))
    assert any("CASE-1001" in t for t in texts(world, "C0CMDQ"))
    assert any("CASE-1001" in t and "P1" in t for t in dm_texts(world, "U0USER01"))


def test_route_1_brief_carries_what_the_next_coordinator_needs(world: World, dana: Driver) -> None:
    dana.command("/case")
    fill_and_submit(
        dana,
        {
            **P1_ANSWERS,
            "Call-back number": "+44 20 7946 0018",
            "What does the failure look like": "OWA answers HTTP 503",
        },
    )
    (case,) = cases(world)
    brief = texts(world, case.channel_id or "")[0]
    for expected in (
        "Email is down for everyone",
        "+44 20 7946 0018",
        "OWA answers HTTP 503",
        "What was tried",
        "coordinator",
        "next promised contact",
    ):
        assert expected in brief


def test_route_1_channel_name_taken_is_stepped_past(world: World, dana: Driver) -> None:
    world.standin.add_channel("C0TAKEN", name="case-1001-email-is-down-for-everyone")
    record_p1(dana)
    (case,) = cases(world)
    assert case.channel_name == "case-1001-email-is-down-for-everyone-2"
    assert [e.new_value for e in events(world, 1001, "case_channel")] == [case.channel_name]


def test_route_1_channel_names_are_valid_and_short() -> None:
    case = Case(number=123456, summary="ÜBER long: Ärger mit dem VPN!!! " * 10)
    name = case_channel_name(case)
    assert CHANNEL_NAME.match(name) and len(name) <= 80 and name.startswith("case-123456-")
    assert CHANNEL_NAME.match(case_channel_name(Case(number=7, summary="!!!")))


def test_route_2_other_priorities_wait_in_the_catalog_group_queue(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Printer jams service=printers urgency=medium")
    (case,) = cases(world)
    assert (case.state, case.group_key, case.channel_id) == ("pending", "end-user-computing", None)
    (card,) = texts(world, "C0EUCQ")
    assert "Take it" in card and "CASE-1001" in card


def test_route_2_category_picks_the_group(world: World, dana: Driver) -> None:
    dana.command("/case new Printer not on the network service=printers category=network")
    assert cases(world)[0].group_key == "network"


def test_route_2_the_card_is_edited_in_place_and_take_it_works(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    alex = as_user(world, "alex")
    alex.press("Take it", channel="C0NETQ")
    (case,) = cases(world)
    assert case.state == "pending", "only the group's members may take it"
    kenji = as_user(world, "kenji")
    kenji.press("Take it", channel="C0NETQ")
    (case,) = cases(world)
    assert case.state == "assigned" and case.coordinator_id == "U0NET01"
    assert "U0DESK01" in case.active_parties("interested"), "the old coordinator stays informed"
    (card,) = top_level(world, "C0NETQ")
    assert card.edited and "Take it" not in texts(world, "C0NETQ")[0]
    assert "Kenji" in world.standin.display_names()["U0NET01"]
    assert any("handled by" in t for t in dm_texts(world, "U0USER01"))
    olga = as_user(world, "olga")
    olga.command("/case take CASE-1001")
    assert "already taken" in world.standin.ephemerals("U0NET02")[-1].text + str(
        world.standin.ephemerals("U0NET02")[-1].blocks
    )


def test_the_app_home_lists_the_persons_open_cases(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    alex = as_user(world, "alex")
    alex.open_home()
    home = str(world.standin.home_view("U0USER01"))
    assert "CASE-1001" in home and "You asked for" in home
    kenji = as_user(world, "kenji")
    kenji.open_home()
    assert "no open cases" in str(world.standin.home_view("U0NET01"))


def test_case_show_answers_staff_and_the_requester_only(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    for name, user, expected in (
        ("kenji", "U0NET01", "VPN drops"),
        ("alex", "U0USER01", "VPN drops"),
        ("jordan", "U0USER02", "only your own cases"),
    ):
        as_user(world, name).command("/case show CASE-1001")
        eph = world.standin.ephemerals(user)[-1]
        assert expected in eph.text + str(eph.blocks), name


def test_route_1_brief_mentions_the_requester_as_a_real_mention(world: World, dana: Driver) -> None:
    record_p1(dana)
    (case,) = cases(world)
    brief = world.standin.messages(case.channel_id or "")[0]
    assert "<@U0USER01>" in str(brief.blocks) and "&lt;@" not in str(brief.blocks)


def test_route_2_the_app_home_shows_roles_queues_and_takes_from_the_queue(
    world: World, dana: Driver
) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    kenji = as_user(world, "kenji")
    kenji.open_home()
    home = str(world.standin.home_view("U0NET01"))
    assert "Queue of Network Operations* (1 waiting)" in home and "CASE-1001" in home
    kenji.press_on_home("Take it")
    (case,) = cases(world)
    assert case.coordinator_id == "U0NET01" and case.state == "assigned"
    assert any("You took CASE-1001" in t for t in dm_texts(world, "U0NET01"))
    kenji.open_home()
    home = str(world.standin.home_view("U0NET01"))
    assert "You coordinate* (1)" in home and "(0 waiting)" in home
    dana.open_home()
    assert "You follow* (1)" in str(world.standin.home_view("U0DESK01"))
    as_user(world, "alex").open_home()
    alex_home = str(world.standin.home_view("U0USER01"))
    assert "You asked for* (1)" in alex_home and "Queue of" not in alex_home


def _home(world: World, user: str) -> str:
    view = world.standin.home_view(user)
    assert view is not None
    return render_view(view, users=world.standin.display_names())


def test_route_2_home_is_republished_for_everyone_a_take_changes(
    world: World, dana: Driver
) -> None:
    people = {name: as_user(world, name) for name in ("kenji", "olga", "alex", "ravi")}
    for driver in (dana, *people.values()):
        driver.open_home()
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    waiting = (
        "*Queue of Network Operations* (1 waiting)\n"
        "*CASE-1001* · P3 Medium · Pending · coordinator @Dana Reyes\nVPN drops\n[ Take it ]"
    )
    assert _home(world, "U0NET02").endswith(waiting), "a new case in her queue reached her Home"
    people["kenji"].press_on_home("Take it")
    # Nobody reopened a tab: each Home changed where the take changed it.
    assert _home(world, "U0NET02").endswith(
        "*Queue of Network Operations* (0 waiting)\nNothing waiting."
    )
    assert "Take it" not in _home(world, "U0NET01")
    assert (
        "*You coordinate* (1)\n*CASE-1001* · P3 Medium · Assigned · coordinator @Kenji "
        "Watanabe\nVPN drops" in _home(world, "U0NET01")
    )
    assert (
        "*You follow* (1)\n*CASE-1001* · P3 Medium · Assigned · coordinator @Kenji "
        "Watanabe" in _home(world, "U0DESK01")
    )
    assert _home(world, "U0USER01").endswith(
        "*You asked for* (1)\n*CASE-1001* · P3 Medium · Assigned · coordinator @Kenji Watanabe"
        "\nVPN drops"
    )
    publishes = [c.args["user_id"] for c in world.standin.calls if c.method == "views.publish"]
    assert publishes.count("U0EUC01") == 1, "a Home the case never touched is left alone"
    assert publishes.count("U0NET02") == 3, "opened, the case arrived, the case was taken"


def test_route_2_a_home_never_opened_is_not_published(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    as_user(world, "kenji").press("Take it", channel="C0NETQ")
    assert not [c for c in world.standin.calls if c.method == "views.publish"]


def test_route_2_a_later_pending_home_publish_supersedes_an_earlier_one(
    world: World, dana: Driver
) -> None:
    dana.open_home()
    dana.settle_after = False
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    dana.command("/case new Printer jams service=printers urgency=low for=@jordan")
    dana.settle()
    homes = [(i.target, i.status) for i in outbox(world) if i.operation == "publish_home"]
    assert homes == [
        ("U0DESK01", "delivered"),
        ("U0DESK01", "superseded"),
        ("U0DESK01", "delivered"),
    ]
    assert "CASE-1002" in _home(world, "U0DESK01")


def test_route_1_a_taken_page_and_brief_lose_take_it_in_place(world: World, dana: Driver) -> None:
    record_p1(dana)
    priya = as_user(world, "priya")
    dm = world.standin.dm_channel_id("U0CC01")
    (page,) = [m for m in top_level(world, dm) if "Page: CASE-1001" in m.text + str(m.blocks)]
    assert [e["text"]["text"] for e in page.blocks[1]["elements"]] == ["Take it"]
    priya.press("Take it", channel=dm)
    (after,) = [m for m in top_level(world, dm) if m.ts == page.ts]
    assert after.edited and after.blocks[0] == page.blocks[0]
    assert after.blocks[1:] == [
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": ":white_check_mark: Taken: <@U0CC01> has it."}],
        }
    ]
    (case,) = cases(world)
    brief = world.standin.messages(case.channel_id or "")[0]
    assert brief.edited and "Take it" not in str(brief.blocks)


def test_route_2_home_follows_a_transfer_a_handoff_and_a_close(world: World, dana: Driver) -> None:
    ravi, kenji, tom = (as_user(world, n) for n in ("ravi", "kenji", "tom"))
    for driver in (ravi, kenji, tom):
        driver.open_home()
    dana.command("/case new Printer on floor 2 jams service=printers urgency=medium for=@alex")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.command("/case transfer CASE-1001 network The printer's network port is dead")
    assert "*Queue of Network Operations* (1 waiting)" in _home(world, "U0NET01")
    kenji.press_on_home("Take it")
    assert "*You follow* (1)" in _home(world, "U0EUC01")
    kenji.command("/case handoff CASE-1001 @tom the print relay is a mail relay")
    assert "*Handoffs waiting for your answer*\n*CASE-1001*" in _home(world, "U0MSG01")
    tom.press("Accept")
    tom_home = _home(world, "U0MSG01")
    assert "Handoffs waiting" not in tom_home
    assert "*You coordinate* (1)\n*CASE-1001* · P3 Medium · Assigned · coordinator @Tom" in tom_home
    assert "*You follow* (1)\n*CASE-1001* · P3 Medium · Assigned · coordinator @Tom" in _home(
        world, "U0NET01"
    )
    tom.command("/case resolve CASE-1001 Restarted the print relay; test pages print")
    tom.press("Verify with the requester")
    as_user(world, "alex").press("Yes, it works")
    tom.command("/case close CASE-1001")
    fill_and_submit(
        tom,
        {
            "Closure code": "Resolved",
            "Root-cause category": "Hardware failure",
            "Fix or workaround": "Permanent fix",
            "Knowledge base": "No article was relevant",
            "Service": "Service fully restored",
        },
    )
    assert cases(world)[0].state == "closed"
    assert "You have no open cases." in _home(world, "U0MSG01")
    assert "You have no open cases." in _home(world, "U0NET01")
