"""INTAKE-1..4 and INTAKE-6 through the sandbox: the same Bolt app, a stand-in Slack."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.command_text import fields_from_command
from bot.desk import Desk, Recorded
from bot.render.common import plain_when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.views.intake_modal import IntakePrefill, intake_modal
from bot.vocabulary import UNKNOWN, UNKNOWN_LABEL
from config.policy import Policy
from tests.conftest import as_user
from tests.helpers import (
    P1_ANSWERS,
    case_count,
    cases,
    dm_texts,
    events,
    fill_and_submit,
    last_ephemeral,
)

VPN = "/case new VPN drops every hour service=vpn urgency=medium for=@alex"


def test_intake_1_modal_records_a_case(world: World, dana: Driver) -> None:
    dana.command("/case")
    view = dana.current_view()
    assert view is not None and view["callback_id"] == "intake"
    answer = fill_and_submit(dana, P1_ANSWERS)
    assert answer is not None and answer["response_action"] == "update"
    (case,) = cases(world)
    assert case.ref == "CASE-1001"
    assert case.contact_channel == "slack_form"
    assert case.requester_id == "U0USER01" and case.reporter_id == "U0DESK01"
    assert case.service_key == "email" and case.request_type == "incident"


def test_intake_1_free_text_records_at_once_and_offers_classification(
    world: World, dana: Driver
) -> None:
    dana.command(VPN)
    (case,) = cases(world)
    assert (case.summary, case.service_key, case.urgency) == (
        "VPN drops every hour",
        "vpn",
        "medium",
    )
    assert case.request_type == UNKNOWN and case.category == UNKNOWN
    answer = last_ephemeral(world, "U0DESK01")
    assert "CASE-1001" in answer and "Complete the classification" in answer
    dana.press("Complete the classification")
    dana.fill("Category", "Network")
    dana.fill("Request type", "Incident resolution")
    dana.submit()
    (case,) = cases(world)
    assert (case.category, case.request_type) == ("network", "incident")


def test_intake_1_message_shortcut_prefills_and_keeps_the_permalink(
    world: World, dana: Driver
) -> None:
    jordan = as_user(world, "jordan")
    ts = jordan.say("The printer on floor 2 is offline\nSince 9am, the whole team is affected")
    dana.shortcut("open_case_from_message", ts=ts)
    view = dana.current_view()
    assert view is not None
    fill_and_submit(
        dana,
        {
            "Affected service": "Printers",
            "Request type": "Incident",
            "Category": "Hardware",
            "How many people": "A team",
            "Who is affected": "Internal",
            "Is a business-critical": "No",
            "How badly": "Work is slowed",
            "What changed recently": "Nothing",
        },
    )
    (case,) = cases(world)
    assert case.summary == "The printer on floor 2 is offline"
    assert "whole team" in case.description
    assert case.requester_id == "U0USER02" and case.reporter_id == "U0DESK01"
    assert case.contact_channel == "slack_message"
    assert case.source_ts == ts and case.source_channel == "C0ITHELP"
    assert case.source_permalink and ts.replace(".", "") in case.source_permalink


def test_intake_1_every_path_produces_the_same_record(world: World, dana: Driver) -> None:
    dana.command("/case new Laptop will not boot service=laptops urgency=high")
    dana.command("/case")
    fill_and_submit(
        dana,
        {
            "Requester": "jordan",
            "Summary": "Payroll shows error E102",
            "Affected service": "Payroll",
            "Request type": "Incident",
            "Category": "Software",
            "How many people": "Only the requester",
            "Who is affected": "Internal",
            "Is a business-critical": "No",
            "How badly": "It can wait",
            "What changed recently": "Nothing",
        },
    )
    by_command, by_form = cases(world)
    for case in (by_command, by_form):
        assert case.number and case.priority and case.group_key and case.state == "pending"
        assert {p.role for p in case.parties} >= {"requester", "reporter", "coordinator"}
        assert [e.kind for e in case.events][:2] == ["recorded", "classified"]


def test_intake_2_record_holds_contact_and_symptom_fields(world: World, dana: Driver) -> None:
    dana.command("/case")
    fill_and_submit(
        dana,
        {
            **P1_ANSWERS,
            "Call-back number": "+44 20 7946 0018",
            "E-mail": "alex@northwind.example",
            "Location": "HQ floor 3",
            "What can't you do": "Cannot read or send mail",
            "What does the failure look like": "Cannot connect to the server",
            "What should happen instead": "Mail loads",
            "Steps to reproduce": "Open Outlook",
            "What changed recently": "New or updated software",
            "Details of the change": "Office update last night",
            "Evidence": "https://status.example/123",
            "Other contact details": "Best after 2pm",
        },
    )
    (case,) = cases(world)
    assert case.contact_phone == "+44 20 7946 0018"
    assert case.contact_email == "alex@northwind.example"
    assert case.contact_location == "HQ floor 3" and case.contact_notes == "Best after 2pm"
    assert case.failure_looks_like == "Cannot connect to the server"
    assert case.success_looks_like == "Mail loads"
    assert case.steps_to_reproduce == "Open Outlook"
    assert case.recent_change == "new_software"
    assert case.recent_change_details == "Office update last night"
    assert case.evidence == "https://status.example/123"
    assert case.first_contact_at is not None


def test_intake_3_requester_is_told_the_number_and_first_response_target(
    world: World, dana: Driver
) -> None:
    dana.command(VPN)
    (case,) = cases(world)
    (dm,) = dm_texts(world, "U0USER01")
    assert "CASE-1001" in dm
    due = next(c.due_at for c in case.clocks if c.metric == "first_response")
    assert due is not None, "the first-response clock runs (tests/test_promises.py: its hours)"
    assert plain_when(due) in dm and f"<!date^{int(due.timestamp())}^" in dm
    assert case.priority in dm


def test_intake_3_numbers_are_unique_under_concurrent_intake(desk: Desk, policy: Policy) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def record(i: int) -> None:
        try:
            fields = fields_from_command(
                policy, f"Different problem {i} number {i * 7919}", reporter_id="U0DESK01"
            )
            outcome = desk.intake.record(fields, check_duplicates=False)
            assert isinstance(outcome, Recorded)
            results.append(outcome.case.number)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 24 and len(set(results)) == 24
    assert min(results) == policy.case_number_start


def test_intake_4_requester_open_cases_are_shown_before_recording(
    world: World, dana: Driver
) -> None:
    dana.command(VPN)
    dana.command("/case new Printer jams on floor 2 service=printers for=@alex")
    assert case_count(world) == 1, "nothing is recorded while the desk decides"
    answer = last_ephemeral(world, "U0DESK01")
    assert "already has open cases" in answer and "CASE-1001" in answer
    dana.press("Record a new case anyway")
    assert case_count(world) == 2
    assert "CASE-1002" in last_ephemeral(world, "U0DESK01")


def test_intake_4_similar_open_case_can_be_linked_instead(world: World, dana: Driver) -> None:
    dana.command("/case new Email is down for everyone service=email for=@alex")
    sam = as_user(world, "sam")
    sam.command("/case new e-mail down for everyone for=@jordan")
    answer = last_ephemeral(world, "U0DESK02")
    assert "same symptom" in answer and "CASE-1001" in answer
    button = sam.find_button("Link to CASE-1001")
    sam.click(button)
    assert case_count(world) == 1
    (case,) = cases(world)
    assert "U0USER02" in case.active_parties("interested")
    (linked,) = events(world, 1001, "linked_contact")
    assert linked.actor_id == "U0DESK02" and linked.new_value == "U0USER02"
    assert any("added to *CASE-1001*" in t for t in dm_texts(world, "U0USER02"))
    sam.click(button)  # a double click changes nothing
    assert len(events(world, 1001, "linked_contact")) == 1


def test_intake_4_several_open_cases_each_get_a_link_button(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn for=@alex")
    dana.command("/case new Printer jams service=printers for=@alex")
    dana.press("Record a new case anyway")
    dana.command("/case new Laptop fan noisy service=laptops for=@alex")
    answer = last_ephemeral(world, "U0DESK01")
    assert "Link to CASE-1001" in answer and "Link to CASE-1002" in answer
    dana.press("Link to CASE-1002")
    assert case_count(world) == 2
    assert len(events(world, 1002, "linked_contact")) == 1


def test_intake_4_modal_intake_asks_before_duplicating(world: World, dana: Driver) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    dana.cancel()
    dana.command("/case")
    answer = fill_and_submit(dana, {**P1_ANSWERS, "Summary": "Email down for everybody"})
    assert answer is not None and answer["view"]["callback_id"] == "intake_duplicates"
    assert case_count(world) == 1
    dana.fill("What should happen", "Link to CASE-1001")
    dana.submit()
    assert case_count(world) == 1
    assert len(events(world, 1001, "linked_contact")) == 1


def test_intake_4_open_major_incident_on_the_same_service_is_shown_whatever_the_words(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)  # CASE-1001: "Email is down for everyone", P1, major
    dana.pass_time(timedelta(hours=3))  # older than the hour: shown because it is major
    sam = as_user(world, "sam")
    sam.command("/case new Outlook says disconnected service=email for=@jordan")
    assert case_count(world) == 1, "nothing is recorded while the desk decides"
    answer = last_ephemeral(world, "U0DESK02")
    assert "same symptom" not in answer, "the words differ"
    assert (
        "*On the same service (the words may differ):*\n"
        "*CASE-1001* · P1 · Pending · major incident\nEmail is down for everyone"
    ) in answer
    sam.press("Link to CASE-1001")
    assert case_count(world) == 1
    (linked,) = events(world, 1001, "linked_contact")
    assert linked.new_value == "U0USER02"


def test_intake_4_a_case_recorded_on_the_service_within_the_hour_is_shown(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Printer jams on floor 2 service=printers for=@alex")
    dana.pass_time(timedelta(minutes=61))
    sam = as_user(world, "sam")
    sam.command("/case new Toner warning light service=printers for=@jordan")
    assert case_count(world) == 2, "CASE-1001 is more than an hour old and not major"
    recorded_at = cases(world)[1].created_at
    dana.pass_time(timedelta(minutes=20))
    dana.command("/case new Cannot print payslips service=printers for=@priya")
    assert case_count(world) == 2
    answer = last_ephemeral(world, "U0DESK01")
    stamp = int(recorded_at.timestamp())
    assert (
        "*On the same service (the words may differ):*\n"
        f"*CASE-1002* · P3 · Pending · recorded <!date^{stamp}^{{date_short_pretty}} {{time}}|"
        f"{plain_when(recorded_at)}>\nToner warning light\nLink to CASE-1002\n"
        "Record a new case anyway\n"
    ) in answer
    assert "CASE-1001" not in answer
    dana.press("Record a new case anyway")
    assert case_count(world) == 3


def test_intake_6_every_classification_dropdown_offers_i_dont_know(policy: Policy) -> None:
    view = intake_modal(
        policy, IntakePrefill(reporter_id="U0DESK01", requester_id="U0DESK01")
    ).to_dict()
    selects = [
        b
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "static_select"
    ]
    assert {b["block_id"] for b in selects} >= {
        "service",
        "request_type",
        "category",
        "urgency",
        "impact_people",
        "impact_groups",
        "impact_critical",
        "recent_change",
    }
    for block in selects:
        texts = [o["text"]["text"] for o in block["element"]["options"]]
        assert UNKNOWN_LABEL in texts, block["block_id"]
    assert not any("priority" in b.get("block_id", "") for b in view["blocks"])


def test_intake_6_i_dont_know_answers_are_counted(world: World, dana: Driver) -> None:
    dana.command("/case new Something is wrong with my computer")
    (recorded,) = events(world, 1001, "recorded")
    assert recorded.detail["unknown_answers"] == 8
