"""WORK-4 (the timeline: notes by command, shortcut and reaction; history in pages; the brief
for people who join), BCAST-4 (one voice to the customer, replies routed back) and PERM-2
(requesters see their own cases and customer-facing messages only)."""

from __future__ import annotations

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
    message_text,
    texts,
)

PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"
ALEX, RAVI, PRIYA = "U0USER01", "U0EUC01", "U0CC01"


def from_bot(world: World, user: str) -> list[str]:
    """What the bot wrote to the person in their DM (not what they wrote)."""
    dm = world.standin.dm_channel_id(user)
    return [message_text(m.text, m.blocks) for m in world.standin.messages(dm) if m.user != user]


def major_case(world: World, dana: Driver) -> tuple[Driver, str]:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    priya = as_user(world, "priya")
    priya.press("Take it", channel="C0CMDQ")
    channel = cases(world)[0].channel_id or ""
    priya.channel = channel
    return priya, channel


def test_work_4_a_note_goes_on_the_timeline_and_into_the_brief(world: World, dana: Driver) -> None:
    priya, channel = major_case(world, dana)
    priya.command("/case note Restarted the mail relay; queue drained, OWA still 503")
    assert "Noted on CASE-1001's timeline" in last_ephemeral(world, PRIYA)
    (note,) = events(world, 1001, "note")
    assert (note.actor_id, note.reason) == (
        PRIYA,
        "Restarted the mail relay; queue drained, OWA still 503",
    )
    brief = texts(world, channel)[0]
    assert "Restarted the mail relay" in brief, "the pinned brief shows what was tried"


def test_work_4_a_reaction_records_the_message_once(world: World, dana: Driver) -> None:
    priya, channel = major_case(world, dana)
    ts = priya.say("Failover to the second cluster started at 09:41")
    priya.react(ts, "pushpin")
    priya.react(ts, "pushpin")
    as_user(world, "marco").react(ts, "pushpin", channel=channel)
    priya.react(ts, "eyes")
    (note,) = events(world, 1001, "note")
    assert note.reason == "Failover to the second cluster started at 09:41"
    assert note.detail["ts"] == ts and note.detail["author"] == PRIYA
    assert note.detail["permalink"]
    assert "Recorded on the timeline of CASE-1001" in last_ephemeral(world, PRIYA)


def test_work_4_the_shortcut_records_in_a_case_channel_and_asks_elsewhere(
    world: World, dana: Driver
) -> None:
    priya, _channel = major_case(world, dana)
    ts = priya.say("DNS for mail.northwind points at the old cluster")
    priya.shortcut("add_to_timeline", ts=ts)
    assert [e.reason for e in events(world, 1001, "note")] == [
        "DNS for mail.northwind points at the old cluster"
    ]
    dana.channel = "C0ITHELP"
    elsewhere = dana.say("Users in Leeds also report the 503 on OWA")
    dana.shortcut("add_to_timeline", ts=elsewhere)
    dana.fill("Which case?", "CASE-99")
    answer = dana.submit()
    assert answer is not None and "There is no CASE-99" in answer["errors"]["case"]
    dana.fill("Which case?", "case-1001")
    dana.submit()
    assert len(events(world, 1001, "note")) == 2
    assert "Added the message to CASE-1001's timeline" in dm_texts(world, "U0DESK01")[-1]


def test_work_4_history_pages_with_who_when_old_new_and_why(world: World, dana: Driver) -> None:
    priya, _channel = major_case(world, dana)
    for step in range(12):
        priya.command(f"/case note Step {step} done")
    priya.command("/case history")
    first = last_ephemeral(world, PRIYA)
    assert "Timeline of CASE-1001" in first and "page 1 of" in first
    assert "Step 11 done" in first and "Step 0 done" not in first, "newest first"
    priya.press("Older")
    older = last_ephemeral(world, PRIYA)
    assert "page 2 of" in older and "Step 1 done" in older
    assert "state: New → Pending" in older or "state: new → pending" in older
    priya.press("Newer")
    assert "page 1 of" in last_ephemeral(world, PRIYA)
    priya.command("/case history 2")
    assert "Timeline of CASE-1001" in last_ephemeral(world, PRIYA)
    assert "page 2 of" in last_ephemeral(world, PRIYA), "in its channel a bare number is a page"
    priya.command("/case history CASE-1001 two")
    assert "Give the page as a number" in last_ephemeral(world, PRIYA)


def test_work_4_someone_joining_the_case_channel_gets_the_brief_privately(
    world: World, dana: Driver
) -> None:
    priya, channel = major_case(world, dana)
    priya.command("/case note Mail relay restarted")
    olga = as_user(world, "olga")
    olga.join(channel)
    joined = world.standin.ephemerals("U0NET02")
    assert joined and joined[-1].channel == channel
    text = message_text(joined[-1].text, joined[-1].blocks)
    assert "Welcome to CASE-1001" in text and "Mail relay restarted" in text
    assert not world.standin.ephemerals("U0NET01"), "only the person who joined sees it"


def test_bcast_4_tell_reaches_the_requester_in_the_desks_voice(world: World, dana: Driver) -> None:
    priya, channel = major_case(world, dana)
    priya.command("/case tell We have found the cause and expect mail back within the hour")
    told = dm_texts(world, ALEX)[-1]
    assert "CASE-1001" in told and "expect mail back within the hour" in told
    assert "Northwind IT Service Desk" in told
    assert any("wrote to the requester of *CASE-1001*" in t for t in texts(world, channel))
    (sent,) = events(world, 1001, "customer_update")
    assert sent.new_value == "We have found the cause and expect mail back within the hour"
    assert cases(world)[0].last_contact_at is not None, "a contact keeps a promised contact"


def test_bcast_4_a_requester_reply_is_recorded_and_relayed(world: World, dana: Driver) -> None:
    _priya, channel = major_case(world, dana)
    alex = as_user(world, "alex")
    priya = as_user(world, "priya")
    priya.command("/case tell CASE-1001 Does Outlook work for you now?")
    alex.write_to_bot("Outlook works again on my laptop, the phone still fails")
    (reply,) = events(world, 1001, "requester_reply")
    assert (reply.actor_id, reply.new_value) == (
        ALEX,
        "Outlook works again on my laptop, the phone still fails",
    )
    assert any("replied about *CASE-1001*" in t for t in texts(world, channel))
    assert "your reply is on *CASE-1001*" in from_bot(world, ALEX)[-1]


def test_bcast_4_with_several_cases_a_reply_finds_its_case_or_asks(
    world: World, dana: Driver
) -> None:
    major_case(world, dana)
    dana.channel = "C0ITHELP"
    dana.command(PRINTER)
    dana.press("Record a new case anyway")
    alex = as_user(world, "alex")
    alex.write_to_bot("Is there any news?")
    asked = from_bot(world, ALEX)[-1]
    assert "Which case is this about?" in asked and "CASE-1002" in asked
    assert not events(world, 1001, "requester_reply") and not events(world, 1002, "requester_reply")
    alex.write_to_bot("CASE-1002: the printer now shows error E51")
    assert [e.new_value for e in events(world, 1002, "requester_reply")] == [
        "CASE-1002: the printer now shows error E51"
    ]
    printer_ack = next(
        m
        for m in reversed(world.standin.messages(world.standin.dm_channel_id(ALEX)))
        if "CASE-1002" in message_text(m.text, m.blocks) and m.user != ALEX
    )
    alex.write_to_bot("It also jams on A3", thread_ts=printer_ack.ts)
    assert len(events(world, 1002, "requester_reply")) == 2
    assert any(
        "It also jams on A3" in t for t in dm_texts(world, RAVI) + dm_texts(world, "U0DESK01")
    )


def test_perm_2_internal_notes_never_reach_the_requester(world: World, dana: Driver) -> None:
    priya, _channel = major_case(world, dana)
    priya.command("/case note Suspect the vendor patch from last night; do not tell the user")
    priya.command("/case tell We are restoring mail now")
    assert not any("vendor patch" in t for t in from_bot(world, ALEX))
    alex = as_user(world, "alex")
    alex.command("/case note CASE-1001 I want to add something")
    assert "You can't add notes to CASE-1001" in last_ephemeral(world, ALEX)
    alex.command("/case history CASE-1001")
    own = last_ephemeral(world, ALEX)
    assert "what the desk shared with you" in own and "We are restoring mail now" in own
    assert "vendor patch" not in own and "note" not in own.lower().split("timeline")[-1]
    dana.channel = "C0ITHELP"
    dana.command("/case new Jordan's laptop fan is loud service=laptops for=@jordan")
    alex.command("/case history CASE-1002")
    assert "You can't read CASE-1002" in last_ephemeral(world, ALEX)


def test_work_4_bad_notes_are_answered_and_change_nothing(world: World, dana: Driver) -> None:
    priya, _channel = major_case(world, dana)
    before = len(events(world, 1001))
    priya.command("/case note")
    assert "The note is empty" in last_ephemeral(world, PRIYA)
    priya.command("/case note " + "x" * 10_000)
    assert "10,000 characters; keep it to 3,000" in last_ephemeral(world, PRIYA)
    priya.command("/case note CASE-4242 tried it")
    assert "There is no CASE-4242" in last_ephemeral(world, PRIYA)
    priya.command("/case tell")
    assert "The message is empty" in last_ephemeral(world, PRIYA)
    assert len(events(world, 1001)) == before


def test_bcast_4_a_reply_ends_the_wait_on_the_requester(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops every hour service=vpn urgency=medium for=@alex")
    kenji = as_user(world, "kenji")
    kenji.command("/case take CASE-1001 1h")
    kenji.command("/case wait CASE-1001 Please send the VPN client log")
    assert cases(world)[0].waiting_on == "requester"
    as_user(world, "alex").write_to_bot("Here is the log: vpn-client.log attached")
    (case,) = cases(world)
    assert case.waiting_on is None, "the answer the desk waited for ends the wait"
    assert [e.reason for e in events(world, 1001, "waiting")][-1] == "the requester answered"
    assert any("Here is the log" in t for t in dm_texts(world, "U0NET01"))


def test_bcast_4_a_file_the_requester_shares_is_on_the_timeline(world: World, dana: Driver) -> None:
    major_case(world, dana)
    alex = as_user(world, "alex")
    im = world.standin.dm_channel_id(ALEX)
    message = world.standin.post_as_user(ALEX, im, "")
    event = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": "im",
        "channel": im,
        "user": ALEX,
        "text": "",
        "ts": message.ts,
        "files": [{"id": "F01", "name": "outlook-error.png"}],
    }
    alex.send_event(event)
    alex.send_event({**event, "subtype": "message_changed"})
    (reply,) = events(world, 1001, "requester_reply")
    assert reply.new_value == "(shared outlook-error.png)"
