"""BCAST-4: a requester with one open case who writes about something else is asked "Is this
about CASE-n?" (Yes / No, it's something new) instead of having it filed on the open case
silently; what the desk is waiting for is filed at once."""

from __future__ import annotations

from typing import Any

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import case_count, cases, dm_texts, events, fill_and_submit, message_text

ALEX, DANA = "U0USER01", "U0DESK01"
PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"


def bot_messages(world: World, user: str) -> list[Any]:
    dm = world.standin.dm_channel_id(user)
    return [m for m in world.standin.messages(dm) if m.user != user]


def questions(world: World) -> list[str]:
    return [
        message_text(m.text, m.blocks)
        for m in bot_messages(world, ALEX)
        if m.text.startswith("Is this about")
    ]


def asked(world: World, dana: Driver, words: str) -> tuple[Driver, str]:
    dana.command(PRINTER)
    alex = as_user(world, "alex")
    ts = alex.write_to_bot(words)
    return alex, ts


def test_bcast_4_one_open_case_and_other_words_asks_before_filing(
    world: World, dana: Driver
) -> None:
    alex, ts = asked(world, dana, "My laptop screen is cracked")
    assert not events(world, 1001, "requester_reply"), "nothing filed before the answer"
    (question,) = questions(world)
    assert "Is this about *CASE-1001* (Printer on floor 2 jams)?" in question
    assert ">My laptop screen is cracked" in question
    message = bot_messages(world, ALEX)[-1]
    buttons = [
        e["text"]["text"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["Yes", "No, it's something new"]
    yes = alex.find_button("Yes")
    alex.click(yes)
    (reply,) = events(world, 1001, "requester_reply")
    assert (reply.actor_id, reply.new_value, reply.detail["ts"]) == (
        ALEX,
        "My laptop screen is cracked",
        ts,
    )
    assert "replied about *CASE-1001*" in dm_texts(world, DANA)[-1]
    answered = next(m for m in bot_messages(world, ALEX) if m.ts == message.ts)
    assert answered.text == "Added to CASE-1001: the desk has your message."
    assert not any(b["type"] == "actions" for b in answered.blocks), "the buttons are gone"
    alex.click(yes)  # a second tap on the same question
    assert len(events(world, 1001, "requester_reply")) == 1


def test_bcast_4_something_new_opens_the_self_service_form_with_the_words(
    world: World, dana: Driver
) -> None:
    alex, _ts = asked(world, dana, "My laptop screen is cracked\nIt fell off the desk")
    alex.press("No, it's something new")
    view = alex.current_view()
    assert view is not None and view["callback_id"] == "self_service"
    initial = {
        b["block_id"]: b["element"].get("initial_value")
        for b in view["blocks"]
        if b["type"] == "input"
    }
    assert initial["summary"] == "My laptop screen is cracked"
    assert initial["description"] == "My laptop screen is cracked\nIt fell off the desk"
    fill_and_submit(
        alex,
        {
            "Which service?": "Laptops and desktops",
            "How badly is your work blocked?": "Work has stopped",
            "How many people": "Only the requester",
        },
    )
    assert case_count(world) == 2
    new = cases(world)[1]
    assert (new.summary, new.requester_id, new.contact_channel) == (
        "My laptop screen is cracked",
        ALEX,
        "self_service",
    )
    assert not events(world, 1001, "requester_reply")
    (question,) = [m for m in bot_messages(world, ALEX) if m.text.startswith("A new problem")]
    assert not any(b["type"] == "actions" for b in question.blocks), "answered: no buttons"


def test_bcast_4_what_the_desk_waits_for_is_filed_without_asking(
    world: World, dana: Driver
) -> None:
    dana.command(PRINTER)
    dana.command("/case tell CASE-1001 Which tray do you print from?")
    alex = as_user(world, "alex")
    alex.write_to_bot("Tray 2, the A3 one")
    alex.write_to_bot("CASE-1001 it also happens on tray 1")
    ack = next(
        m for m in bot_messages(world, ALEX) if "recorded as *CASE-1001*" in m.text + str(m.blocks)
    )
    alex.write_to_bot("and with duplex", thread_ts=ack.ts)
    assert [e.new_value for e in events(world, 1001, "requester_reply")] == [
        "Tray 2, the A3 one",
        "CASE-1001 it also happens on tray 1",
        "and with duplex",
    ]
    assert questions(world) == []
    alex.write_to_bot("Also, my badge does not open the door to floor 3")
    assert len(questions(world)) == 1, "the answer was given: new words are asked about"
    assert len(events(world, 1001, "requester_reply")) == 3


def test_bcast_4_a_retried_dm_asks_once(world: World, dana: Driver) -> None:
    alex, _ts = asked(world, dana, "My laptop screen is cracked")
    assert alex.last_event is not None
    event, event_id = alex.last_event
    alex.send_event(event, event_id=event_id, retry=1)
    assert len(questions(world)) == 1
