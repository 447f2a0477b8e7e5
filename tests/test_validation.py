"""INTAKE-5: automated contacts (the self-service form, a monitoring alert) are flagged "needs
validation" until a person confirms them or corrects their classification; one that would be
major pages the command center's on-call before the case channel opens and the broadcast goes
out; the flag is a reported figure."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from alembic import command

from bot.errors import UserFacingError
from bot.intake_fields import IntakeFields
from bot.reclassify import NothingChanged, Reclassification
from bot.sandbox.driver import Driver
from bot.sandbox.transcript import render_view
from bot.sandbox.world import World
from store.migrate import alembic_config
from store.models import Validation
from tests.conftest import as_user
from tests.helpers import cases, events, fill_and_submit, last_ephemeral, outbox, top_level

ALEX, PRIYA, KENJI = "U0USER01", "U0CC01", "U0NET01"
P3_FORM = {
    "What is wrong?": "VPN drops every hour",
    "Which service?": "VPN and remote access",
    "How badly is your work blocked?": "Work is slowed",
    "How many people": "A team or several people",
}
P1_FORM = {
    "What is wrong?": "Nobody can send e-mail",
    "Which service?": "E-mail and calendars",
    "How badly is your work blocked?": "Work has stopped",
    "How many people": "Most of the organisation",
}
MANAGER = "U0MGR01"  # Morgan, the desk's manager
HELD_PAGE = (
    ":rotating_light: *Needs validation: Self-service form says P1.* Confirm or correct it "
    "before the case channel opens and the broadcast goes out.\n*CASE-1001* · P1 Critical\n"
    "*Nobody can send e-mail*"
)


def self_service(world: World, answers: dict[str, str]) -> None:
    alex = as_user(world, "alex")
    alex.command("/case")
    fill_and_submit(alex, answers)


def record(
    world: World,
    channel: str,
    *,
    service: str = "laptops",
    urgency: str = "medium",
    people: str = "team",
) -> None:
    """A case recorded through the desk's intake, as the alert endpoints and commands do."""
    world.runtime.desk.intake.record(
        IntakeFields(
            summary=f"Disk full on db-7 ({channel})",
            requester_id="U0DESK02",
            reporter_id="U0DESK02",
            contact_channel=channel,
            service=service,
            urgency=urgency,
            impact_answers={"people": people},
        ),
        check_duplicates=False,
    )
    as_user(world, "dana").settle()


def button_rows(message: Any) -> list[tuple[str, list[str]]]:
    return [
        (b["block_id"], [e["text"]["text"] for e in b["elements"]])
        for b in message.blocks
        if b["type"] == "actions"
    ]


def only(world: World, channel: str, ref: str = "CASE-1001") -> Any:
    (message,) = [m for m in top_level(world, channel) if ref in m.text + str(m.blocks)]
    return message


def dm(world: World, user: str) -> str:
    return world.standin.dm_channel_id(user)


def operations(world: World) -> list[tuple[str, str, str]]:
    return [(i.operation, i.target, i.template) for i in outbox(world)]


# -- the flag, on the card, the timeline and the Home ------------------------------------------
def test_intake_5_a_self_service_case_is_flagged_with_confirm_and_correct_for_staff_only(
    world: World,
) -> None:
    self_service(world, P3_FORM)
    (case,) = cases(world)
    assert (case.validation, case.validated_at, case.validated_by) == (
        Validation.NEEDED,
        None,
        None,
    )
    assert [e.kind for e in case.events][:4] == [
        "recorded",
        "classified",
        "needs_validation",
        "routed",
    ]
    (flag,) = events(world, 1001, "needs_validation")
    assert (flag.actor_id, flag.new_value, flag.reason) == (
        ALEX,
        None,
        "recorded from the self-service form: a person confirms its details or corrects its "
        "classification",
    )
    card = only(world, "C0NETQ")
    assert button_rows(card) == [
        ("validate", ["Confirm", "Correct classification"]),
        ("work", ["Take it", "Close", "Escalate", "Transfer", "Reclassify"]),
    ]
    notes = card.blocks[2]["elements"][0]["text"].split(" · ")
    assert notes[1] == (
        ":mag: *needs validation*: recorded from the self-service form. Confirm its details "
        "or correct its classification."
    )
    requester_view = [m.text + str(m.blocks) for m in top_level(world, dm(world, ALEX))]
    assert requester_view and not any(
        "Confirm" in t or "needs validation" in t for t in requester_view
    )


def test_intake_5_a_monitoring_case_is_flagged_and_a_person_recorded_one_is_not(
    world: World,
) -> None:
    desk = world.runtime.desk
    for channel in ("monitoring", "slack_command"):
        record(world, channel)
    monitored, typed = cases(world)
    assert (monitored.contact_channel, monitored.validation) == ("monitoring", Validation.NEEDED)
    assert (typed.contact_channel, typed.validation) == ("slack_command", None)
    assert "recorded from the monitoring alert" in str(only(world, "C0EUCQ").blocks)
    assert "validate" not in str(button_rows(only(world, "C0EUCQ", "CASE-1002")))
    with pytest.raises(UserFacingError) as refused:
        desk.work.confirm(1002, actor="U0DESK01")
    assert str(refused.value) == (
        "CASE-1002 was recorded by a person (contact by Slack command); it has nothing to confirm."
    )


# -- Confirm --------------------------------------------------------------------------------
def test_intake_5_confirm_clears_the_flag_in_place_and_a_second_confirm_changes_nothing(
    world: World,
) -> None:
    self_service(world, P3_FORM)
    card = only(world, "C0NETQ")
    kenji = as_user(world, "kenji")
    now = world.runtime.desk.clock.now()
    stale = kenji.find_button("Confirm", channel="C0NETQ")
    kenji.click(stale)
    assert last_ephemeral(world, KENJI) == (
        "Confirmed CASE-1001; the card no longer asks for validation."
    )
    (case,) = cases(world)
    (validated,) = events(world, 1001, "validated")
    assert (case.validation, case.validated_by, case.validated_at) == (
        Validation.CONFIRMED,
        KENJI,
        validated.at,
    )
    assert timedelta(0) <= validated.at - now < timedelta(seconds=5)
    assert (validated.actor_id, validated.old_value, validated.new_value, validated.reason) == (
        KENJI,
        "needed",
        "confirmed",
        "confirmed the details from the self-service form",
    )
    after = only(world, "C0NETQ")
    assert (after.ts, after.edited) == (card.ts, True)
    assert [row for row, _ in button_rows(after)] == ["work"]
    assert "needs validation" not in str(after.blocks)
    before = (len(outbox(world)), len(cases(world)[0].events))
    kenji.click(stale)  # a second click, from a copy that still shows the button
    said = last_ephemeral(world, KENJI)
    assert said.startswith("CASE-1001 was already confirmed by <@U0NET01> <!date^")
    assert said.endswith("; nothing was changed.")
    assert (len(outbox(world)), len(cases(world)[0].events)) == before


def test_intake_5_a_requester_cannot_confirm_their_own_case(world: World) -> None:
    self_service(world, P3_FORM)
    forged = as_user(world, "kenji").find_button("Confirm", channel="C0NETQ")
    alex = as_user(world, "alex")
    alex.click(forged)
    said = last_ephemeral(world, ALEX)
    assert said.startswith("You can't confirm CASE-1001. It needs a member of the desk")
    (case,) = cases(world)
    assert case.validation == Validation.NEEDED and events(world, 1001, "validated") == []


# -- Correct classification -------------------------------------------------------------------
def test_intake_5_correct_classification_opens_the_reclassify_modal_and_its_save_validates(
    world: World,
) -> None:
    self_service(world, P3_FORM)
    kenji = as_user(world, "kenji")
    stale = kenji.find_button("Correct classification", channel="C0NETQ")
    kenji.click(stale)
    view = kenji.current_view()
    assert view is not None and view["title"]["text"] == "Correct classification"
    kenji.fill("Category", "Network")
    kenji.fill("Reason", "Checked with Alex on the phone: it is the office Wi-Fi")
    answer = kenji.submit()
    assert answer is not None and answer["response_action"] == "update"
    (case,) = cases(world)
    assert (case.category, case.validation, case.validated_by) == (
        "network",
        Validation.CORRECTED,
        KENJI,
    )
    kinds = [e.kind for e in case.events]
    assert kinds[-2:] == ["reclassified", "validated"]
    assert case.events[-1].reason == "Checked with Alex on the phone: it is the office Wi-Fi"
    assert [row for row, _ in button_rows(only(world, "C0NETQ"))] == ["work"]
    kenji.click(stale)
    assert last_ephemeral(world, KENJI).startswith("CASE-1001 was already corrected by <@U0NET01>")


def test_intake_5_a_correction_that_changes_nothing_points_at_confirm(world: World) -> None:
    self_service(world, P3_FORM)
    with pytest.raises(NothingChanged) as refused:
        world.runtime.desk.work.reclassify(
            1001, Reclassification(service="vpn"), actor=KENJI, reason="Looks right"
        )
    assert str(refused.value) == (
        "CASE-1001 already has that classification; nothing was changed. If it is right, "
        "press Confirm instead."
    )
    assert cases(world)[0].validation == Validation.NEEDED


# -- would be P1/P2: the command center decides first -------------------------------------------
def test_intake_5_a_flagged_p1_is_held_and_pages_the_command_center_on_call(world: World) -> None:
    self_service(world, P1_FORM)
    (case,) = cases(world)
    assert (case.priority, case.is_major, case.group_key, case.state, case.channel_id) == (
        "P1",
        False,
        "command-center",
        "pending",
        None,
    )
    ops = operations(world)
    assert not [op for op in ops if op[0] == "create_channel" or op[2] == "broadcast_notice"]
    assert world.standin.messages("C0MAJOR") == []
    page = only(world, dm(world, PRIYA))
    assert page.blocks[0]["text"]["text"] == HELD_PAGE
    assert button_rows(page) == [("validate", ["Confirm", "Correct classification"])]
    assert button_rows(only(world, "C0CMDQ")) == [
        ("validate", ["Confirm", "Correct classification"])
    ]
    (held,) = events(world, 1001, "held_for_validation")
    assert held.reason == (
        "Self-service form says P1: the case channel and the broadcast wait until <@U0CC01> or "
        "a colleague confirms or corrects it"
    )
    with pytest.raises(UserFacingError) as refused:
        world.runtime.desk.work.take(1001, actor=PRIYA)
    assert str(refused.value) == (
        "CASE-1001 needs validation first: Self-service form says P1. Press Confirm to open its "
        "case channel and send the broadcast, or Correct classification."
    )


def test_intake_5_confirming_a_held_p1_starts_the_major_path_at_once_and_pages_once(
    world: World,
) -> None:
    self_service(world, P1_FORM)
    page = only(world, dm(world, PRIYA))
    priya = as_user(world, "priya")
    priya.press("Confirm", channel=dm(world, PRIYA))
    assert last_ephemeral(world, PRIYA) == (
        "Confirmed CASE-1001; it is a major incident now: the case channel opens and the "
        "broadcast goes out."
    )
    (case,) = cases(world)
    assert (case.is_major, case.validation, case.channel_id is not None) == (
        True,
        Validation.CONFIRMED,
        True,
    )
    wanted = {"needs_validation", "held_for_validation", "validated", "major", "taken"}
    assert [e.kind for e in case.events if e.kind in wanted] == [
        "needs_validation",
        "held_for_validation",
        "validated",
        "major",
    ]
    ops = operations(world)
    assert [op for op in ops if op[0] == "create_channel"] == [
        ("create_channel", ops[[o[0] for o in ops].index("create_channel")][1], "")
    ]
    assert [op[2] for op in ops].count("broadcast_notice") == 1
    assert [op for op in ops if op[2] == "page"] == [], "the validation page is the page"
    assert len(world.standin.messages("C0MAJOR")) == 1
    (after,) = top_level(world, dm(world, PRIYA))
    assert (after.ts, after.edited) == (page.ts, True)
    assert after.blocks[0]["text"]["text"].startswith(
        ":white_check_mark: *Confirmed* by <@U0CC01> <!date^"
    )
    assert button_rows(after) == [("page", ["Take it"])]
    priya.press("Take it", channel=dm(world, PRIYA))
    assert cases(world)[0].coordinator_id == PRIYA


def test_intake_5_correcting_a_held_p1_to_a_lower_priority_takes_the_normal_path(
    world: World,
) -> None:
    self_service(world, P1_FORM)
    priya = as_user(world, "priya")
    priya.press("Correct classification", channel=dm(world, PRIYA))
    priya.fill("How badly", "It can wait; an inconvenience")
    priya.fill("Reason", "Only the test tenant is affected; real mail flows")
    priya.submit()
    (case,) = cases(world)
    assert (case.priority, case.is_major, case.group_key, case.channel_id) == (
        "P3",
        False,
        "messaging",
        None,
    )
    assert case.validation == Validation.CORRECTED
    ops = operations(world)
    assert not [op for op in ops if op[0] == "create_channel" or op[2] == "broadcast_notice"]
    assert world.standin.messages("C0MAJOR") == []
    assert only(world, "C0MSGQ") is not None
    assert [m for m in top_level(world, "C0CMDQ") if "CASE-1001" in m.text] == []
    page = only(world, dm(world, PRIYA))
    assert page.blocks[1]["elements"][0]["text"] == (
        "Now P3 Medium in the queue of Messaging: no case channel, no broadcast."
    )


def test_intake_5_correcting_a_held_p1_but_keeping_it_major_starts_the_major_path(
    world: World,
) -> None:
    self_service(world, P1_FORM)
    priya = as_user(world, "priya")
    priya.press("Correct classification", channel=dm(world, PRIYA))
    priya.fill("Category", "Network")
    priya.fill("Reason", "The mail gateway's uplink is down")
    priya.submit()
    (case,) = cases(world)
    assert (case.priority, case.is_major, case.validation) == ("P1", True, Validation.CORRECTED)
    assert case.channel_id is not None
    ops = operations(world)
    assert [op[0] for op in ops].count("create_channel") == 1
    assert [op[2] for op in ops].count("broadcast_notice") == 1
    assert len(world.standin.messages("C0MAJOR")) == 1


# -- the reported figure ----------------------------------------------------------------------
def test_intake_5_validation_is_a_reported_figure_in_case_figures(
    world: World, dana: Driver
) -> None:
    """Four self-service cases and one by command: the manager's `/case figures` counts the four
    (one confirmed after 10 minutes, one corrected after 30, one withdrawn unvalidated, one still
    waiting); the command's case is not flagged. Median of 10 and 30 minutes is 20, the 90th
    percentile the nearest rank ceil(0.9 x 2) = 2nd, 30 minutes."""
    desk = world.runtime.desk
    for _ in range(4):
        self_service(world, P3_FORM)
    record(world, "slack_command")
    dana.pass_time(timedelta(minutes=10))
    desk.work.confirm(1001, actor=KENJI)
    dana.pass_time(timedelta(minutes=20))
    desk.work.reclassify(
        1002, Reclassification(category="network"), actor=KENJI, reason="Checked with Alex"
    )
    desk.closing.withdraw(1003, actor=ALEX, reason="It works again")
    as_user(world, MANAGER).command("/case figures 7d")
    lines = last_ephemeral(world, MANAGER).splitlines()
    start = lines.index("*Needs validation: forms and alerts (INTAKE-5)*")
    assert lines[start + 1 : start + 4] == [
        "• Self-service form: 4 flagged · 1 confirmed · 1 corrected · 1 still waiting · "
        "1 closed unvalidated",
        "Validated by a person: 50 % (2 of 4 flagged)",
        "Time to validate (wall time): mean 20 min, median 20 min, 90th percentile 30 min",
    ]


def test_intake_5_the_migration_backfills_the_self_service_cases_it_finds(
    world: World, dana: Driver
) -> None:
    """Before 0012 the flag was derived (self-service and never reclassified); the migration
    stores what the derivation said, and who cleared it and when."""
    self_service(world, P3_FORM)
    self_service(world, P3_FORM)
    world.runtime.desk.work.reclassify(
        1002, Reclassification(category="network"), actor=KENJI, reason="Checked with Alex"
    )
    record(world, "slack_command")
    (first_reclassified, *_) = events(world, 1002, "reclassified")
    db = world.runtime.db
    config = alembic_config()
    with db.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
        connection.commit()
        command.upgrade(config, "heads")
        connection.commit()
    assert [(c.number, c.validation, c.validated_by, c.validated_at) for c in cases(world)] == [
        (1001, Validation.NEEDED, None, None),
        (1002, Validation.CORRECTED, KENJI, first_reclassified.at),
        (1003, None, None, None),
    ]


def home(world: World, user: str) -> str:
    view = world.standin.home_view(user)
    assert view is not None
    return render_view(view, users=world.standin.display_names())


def test_intake_5_the_home_shows_staff_the_flag_and_its_buttons_and_the_requester_neither(
    world: World,
) -> None:
    kenji, alex = as_user(world, "kenji"), as_user(world, "alex")
    kenji.open_home()
    alex.open_home()
    self_service(world, P3_FORM)
    queue = home(world, KENJI).split("*Queue of Network Operations* (1 waiting)\n")[1]
    assert queue.startswith("*CASE-1001* · P3 Medium · Pending · coordinator @Dana Reyes\n")
    assert ":mag: *needs validation*" in queue.split("[ Take it ]")[0]
    assert "[ Take it ]  [ Confirm ]  [ Correct classification ]" in queue
    mine = home(world, ALEX)
    assert "*You asked for* (1)" in mine
    assert "needs validation" not in mine and "Confirm" not in mine
    kenji.press_on_home("Confirm")
    assert cases(world)[0].validation == Validation.CONFIRMED
    after = home(world, KENJI)
    assert "needs validation" not in after and "[ Confirm ]" not in after


def test_intake_5_the_case_channel_brief_offers_confirm_and_loses_it_in_place(
    world: World,
) -> None:
    self_service(world, P3_FORM)
    kenji = as_user(world, "kenji")
    kenji.press("Take it", channel="C0NETQ")
    kenji.command("/case handoff CASE-1001 @olga The Wi-Fi controller needs your eyes")
    (case,) = cases(world)
    assert case.channel_id is not None
    (brief,) = [m for m in top_level(world, case.channel_id) if "Handoff brief" in m.text]
    assert button_rows(brief)[0] == ("validate", ["Confirm", "Correct classification"])
    kenji.press("Confirm", channel=case.channel_id)
    (after,) = [m for m in top_level(world, case.channel_id) if m.ts == brief.ts]
    assert after.edited and [row for row, _ in button_rows(after)] == ["work"]


def test_intake_5_a_closed_case_has_nothing_left_to_confirm(world: World) -> None:
    self_service(world, P3_FORM)
    world.runtime.desk.closing.withdraw(1001, actor=ALEX, reason="It works again")
    with pytest.raises(UserFacingError) as refused:
        world.runtime.desk.work.confirm(1001, actor=KENJI)
    assert str(refused.value) == "CASE-1001 is closed; there is nothing left to confirm."
    assert cases(world)[0].validation == Validation.NEEDED


def test_intake_5_two_confirms_at_once_start_the_major_path_once(world: World) -> None:
    self_service(world, P1_FORM)
    desk = world.runtime.desk
    barrier = threading.Barrier(2)

    def confirm(actor: str) -> str:
        barrier.wait()
        try:
            return desk.work.confirm(1001, actor=actor).ref
        except UserFacingError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(pool.map(confirm, [PRIYA, "U0CC02"]))
    as_user(world, "dana").settle()
    (winner,) = events(world, 1001, "validated")
    assert answers[0] == "CASE-1001"
    assert answers[1].startswith(f"CASE-1001 was already confirmed by <@{winner.actor_id}> ")
    assert len(events(world, 1001, "major")) == 1
    ops = operations(world)
    assert [op[0] for op in ops].count("create_channel") == 1
    assert [op[2] for op in ops].count("broadcast_notice") == 1
    assert len(world.standin.messages("C0MAJOR")) == 1


@pytest.mark.parametrize(
    ("service", "urgency", "people", "said"),
    [
        ("email", "high", "everyone", "Monitoring alert says P1"),
        ("network", "medium", "team", "Monitoring alert says P3 on network, major for this desk"),
    ],
)
def test_intake_5_a_monitoring_case_that_would_be_major_pages_before_the_channel_opens(
    world: World, service: str, urgency: str, people: str, said: str
) -> None:
    record(world, "monitoring", service=service, urgency=urgency, people=people)
    (case,) = cases(world)
    assert (case.is_major, case.group_key, case.channel_id) == (False, "command-center", None)
    assert world.standin.messages("C0MAJOR") == []
    page = only(world, dm(world, PRIYA))
    assert page.blocks[0]["text"]["text"].startswith(
        f":rotating_light: *Needs validation: {said}.* Confirm or correct it before the case "
        "channel opens and the broadcast goes out.\n"
    )
    world.runtime.desk.work.confirm(1001, actor="U0CC02")
    as_user(world, "dana").settle()
    assert cases(world)[0].is_major and len(world.standin.messages("C0MAJOR")) == 1
