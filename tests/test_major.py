"""WORK-6: major-incident criteria (priority, service, count of linked cases); cases linked to a
major incident hear its updates and close with it, their own requesters told."""

from __future__ import annotations

from bot.render.common import plain_when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
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

JORDAN, ALEX = "U0USER02", "U0USER01"
CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}


def new_case(dana: Driver, world: World, line: str) -> None:
    """`/case new`, recorded even when it looks like a duplicate (that is what links are for)."""
    dana.command(line)
    if "Record a new case anyway" in last_ephemeral(world, dana.user):
        dana.press("Record a new case anyway")


def mail_outage(world: World, dana: Driver) -> Driver:
    """CASE-1001: the P1 mail outage, taken by Priya of the command center."""
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    priya = as_user(world, "priya")
    priya.command("/case take CASE-1001")
    return priya


def resolve_and_close(world: World, priya: Driver) -> None:
    priya.command("/case resolve CASE-1001 Failed over to the standby mail store")
    priya.command("/case verify CASE-1001")
    as_user(world, "alex").press("Yes, it works")
    priya.command("/case close CASE-1001")
    fill_and_submit(priya, CLOSE_ANSWERS)
    as_user(world, "morgan").press("Approve the close")


def test_work_6_linked_cases_hear_the_parents_updates_and_close_with_it(
    world: World, dana: Driver
) -> None:
    priya = mail_outage(world, dana)
    new_case(dana, world, "/case new Outlook says disconnected service=email for=@jordan")
    dana.command("/case link CASE-1002 CASE-1001")
    assert "Linked CASE-1002 to CASE-1001" in last_ephemeral(world, "U0DESK01")
    parent, child = cases(world)
    assert child.parent_id == parent.id
    assert "part of a wider incident, CASE-1001" in dm_texts(world, JORDAN)[-1]
    assert ":link: part of CASE-1001" in texts(world, "C0MSGQ")[0]
    assert ":link: 1 linked case: CASE-1002" in texts(world, "C0CMDQ")[0]
    assert [e.kind for e in events(world, 1001, "child_linked")] == ["child_linked"]

    priya.command("/case update CASE-1001 Failover to the standby store is under way")
    told = dm_texts(world, JORDAN)[-1]
    assert "Update on CASE-1001" in told and "Failover to the standby store" in told
    assert events(world, 1002, "parent_update")

    resolve_and_close(world, priya)
    parent, child = cases(world)
    assert parent.state == child.state == "closed"
    assert child.closure_code == "resolved" and child.closure is not None
    assert child.closure.with_parent == "CASE-1001"
    assert child.first_contact_resolution is False
    assert (
        "*CASE-1001 is resolved*, and with it your request CASE-1002" in dm_texts(world, JORDAN)[-1]
    )
    (closed,) = events(world, 1002, "closed")
    assert closed.reason == "closed with CASE-1001" and closed.actor_id == "U0CC01"


def test_work_6_enough_linked_cases_make_the_parent_major(world: World, dana: Driver) -> None:
    for floor in (2, 3, 4, 5):
        new_case(dana, world, f"/case new Printer on floor {floor} offline service=printers")
    assert not cases(world)[0].is_major
    dana.command("/case link CASE-1002 CASE-1001")
    dana.command("/case link CASE-1003 CASE-1001")
    assert not cases(world)[0].is_major, "two linked cases are not enough (linked_cases: 3)"
    dana.command("/case link CASE-1004 CASE-1001")
    assert "It is now a major incident" in last_ephemeral(world, "U0DESK01")
    parent = cases(world)[0]
    assert parent.is_major and parent.group_key == "command-center"
    (major,) = events(world, 1001, "major")
    assert major.reason == "3 cases linked to it: handed to Operations Command Center"
    assert any("CASE-1001" in t for t in texts(world, "C0MAJOR"))
    dana.command("/case reclassify CASE-1001 urgency=low because it only affects one floor now")
    assert cases(world)[0].is_major, "the link count keeps it major whatever its priority"


def test_work_6_a_configured_service_makes_a_case_major_below_the_major_priorities(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Wi-Fi down on floor 4 service=network urgency=medium for=@alex")
    (case,) = cases(world)
    assert case.priority == "P3" and case.is_major, "major_incident.services: {network: P3}"
    assert case.group_key == "command-center" and case.channel_id
    (major,) = events(world, 1001, "major")
    assert (major.reason or "").startswith("P3 on network is major for this desk")
    new_case(dana, world, "/case new Printer offline service=printers urgency=medium for=@jordan")
    assert not cases(world)[1].is_major


def test_work_6_unlink_undoes_a_link_made_in_error(world: World, dana: Driver) -> None:
    priya = mail_outage(world, dana)
    new_case(dana, world, "/case new Outlook will not start service=email for=@jordan")
    dana.command("/case link CASE-1002 CASE-1001")
    dana.command("/case unlink CASE-1002")
    assert "Say why CASE-1002 is not part of CASE-1001" in last_ephemeral(world, "U0DESK01")
    dana.command("/case unlink CASE-1002 Jordan's profile is corrupt; not the outage")
    assert cases(world)[1].parent_id is None
    assert "not to be part of CASE-1001" in dm_texts(world, JORDAN)[-1]
    resolve_and_close(world, priya)
    assert cases(world)[1].state == "pending", "an unlinked case does not close with the parent"


BAD_LINKS = [
    ("dana", "/case link CASE-1002 CASE-1002", "cannot be linked to itself"),
    ("dana", "/case link CASE-1002", "Name two cases"),
    ("dana", "/case link CASE-1002 CASE-9999", "There is no CASE-9999"),
    ("dana", "/case link CASE-1002 banana", "'banana' is not a case number"),
    ("dana", "/case link CASE-1002 CASE-1003", "already part of CASE-1001"),
    ("dana", "/case link CASE-1004 CASE-1002", "itself part of CASE-1001"),
    ("dana", "/case link CASE-1001 CASE-1004", "has 2 case(s) linked to it"),
    ("dana", "/case link CASE-1004 CASE-1005", "CASE-1005 is closed"),
    ("alex", "/case link CASE-1004 CASE-1001", "You can't link cases to CASE-1001"),
    ("dana", "/case unlink CASE-1004 not related", "CASE-1004 is not linked"),
]


def test_work_6_bad_links_are_refused_and_change_nothing(world: World, dana: Driver) -> None:
    for n in range(5):
        new_case(dana, world, f"/case new Outlook problem {n} service=email for=@jordan")
    dana.command("/case link CASE-1002 CASE-1001")
    dana.command("/case link CASE-1003 CASE-1001")
    dana.command("/case close CASE-1005")
    fill_and_submit(
        dana, {"Closure code": "Duplicate of another case", "Duplicate of which case": "CASE-1004"}
    )
    assert next(c for c in cases(world) if c.number == 1005).state == "closed"
    before = [(c.number, c.parent_id, c.state) for c in cases(world)]
    for who, line, problem in BAD_LINKS:
        person = as_user(world, who)
        person.command(line)
        assert problem in last_ephemeral(world, person.user), line
        assert [(c.number, c.parent_id, c.state) for c in cases(world)] == before, line


def test_bcast_1_the_resolution_is_a_new_message_in_the_broadcast_channel(
    world: World, dana: Driver
) -> None:
    priya = mail_outage(world, dana)
    (notice,) = top_level(world, "C0MAJOR")
    assert "Updates follow here" in texts(world, "C0MAJOR")[0]
    resolve_and_close(world, priya)
    (case,) = cases(world)
    assert case.state == "closed" and case.closed_at is not None
    first, resolution = top_level(world, "C0MAJOR")
    assert first.ts == notice.ts, "the first notice is edited in place, not posted again"
    closed = f"<!date^{int(case.closed_at.timestamp())}^{{date_short_pretty}} {{time}}|"
    assert f"Closed {closed}" in texts(world, "C0MAJOR")[0]
    assert "Updates follow here" not in texts(world, "C0MAJOR")[0]
    reported = int(case.first_contact_at.timestamp())
    assert resolution.text == "Resolved: major incident CASE-1001: Email is down for everyone"
    assert texts(world, "C0MAJOR")[1] == (
        "Resolved: major incident CASE-1001: Email is down for everyone\n"
        ":white_check_mark: *Resolved: major incident CASE-1001*\n*Email is down for everyone*\n"
        "*Service*\nE-mail and calendars\n*Outcome*\nService fully restored\n"
        f"*Reported*\n<!date^{reported}^{{date_short_pretty}} {{time}}|"
        f"{plain_when(case.first_contact_at)}>\n"
        f"*Resolved*\n{closed}{plain_when(case.closed_at)}>\n"
        "*Fix*\nPermanent fix\n*Coordinator*\n<@U0CC01>\n"
        "*What was done:* Failed over to the standby mail store\n"
        "Still affected? Tell the desk and quote CASE-1001; cases linked to it are closed with "
        "it and their requesters told."
    )
