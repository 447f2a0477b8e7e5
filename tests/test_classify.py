"""CLASSIFY-1..4: vocabularies, supportability and overrides, the priority matrix, and
reclassification with its reason, notifications and the major-incident path."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.classification import impact_of, priority_of
from bot.render.common import plain_when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.vocabulary import CATEGORIES, REQUEST_TYPES, UNKNOWN
from config.policy import Policy
from tests.conftest import as_user
from tests.helpers import cases, dm_texts, events, last_ephemeral, texts


def test_classify_1_request_types_and_categories_are_the_process_vocabularies() -> None:
    assert set(REQUEST_TYPES) == {"information", "fulfillment", "new_service", "incident"}
    assert set(CATEGORIES) == {"hardware", "software", "network", "security", "other"}


def test_classify_1_type_and_category_can_be_changed_later(world: World, dana: Driver) -> None:
    dana.command("/case new Need access to the sales share type=request category=software")
    dana.press("Reclassify", channel=dana.resolve_channel("desk-queue"))
    dana.fill("Category", "Security")
    dana.fill("Request type", "Information")
    dana.fill("Reason", "It is an access question, not a software fault")
    dana.submit()
    (case,) = cases(world)
    assert (case.request_type, case.category) == ("information", "security")
    changed = {e.field: (e.old_value, e.new_value) for e in events(world, 1001, "reclassified")}
    assert changed["category"] == ("software", "security")
    assert changed["request_type"] == ("fulfillment", "information")


def test_classify_2_unsupported_service_waits_for_an_override(world: World, dana: Driver) -> None:
    dana.command("/case new Home router drops service=personal-devices for=@jordan")
    (case,) = cases(world)
    assert case.support_status == "unsupported" and case.group_key == "service-desk"
    card = texts(world, "C0DESKQ")[-1]
    assert "Approve override" in card and "Take it" not in card
    dana.press("Approve override", channel="C0DESKQ")
    refusal = last_ephemeral(world, "U0DESK01")
    assert "It needs the override approvers role (<@U0CC02>, <@U0MGR01>)" in refusal
    morgan = as_user(world, "morgan")
    morgan.press("Approve override", channel="C0DESKQ")
    morgan.fill("Why approve", "")
    answer = morgan.submit()
    assert answer is not None and answer["response_action"] == "errors"
    morgan.fill("Why approve", "On call this week, must work from home")
    morgan.fill("For how long", "This case only")
    morgan.submit()
    (case,) = cases(world)
    assert case.support_status == "override_temporary"
    (override,) = events(world, 1001, "override")
    assert override.actor_id == "U0MGR01" and "On call" in (override.reason or "")
    assert "Take it" in texts(world, "C0DESKQ")[-1]


def test_classify_2_lasting_override_covers_later_cases(world: World, dana: Driver) -> None:
    dana.command("/case new Home printer offline service=personal-devices")
    morgan = as_user(world, "morgan")
    morgan.press("Approve override", channel="C0DESKQ")
    morgan.fill("Why approve", "Executives' home offices are supported from now on")
    morgan.fill("For how long", "Until further notice")
    morgan.submit()
    dana.command("/case new Home scanner offline service=personal-devices for=@jordan")
    latest = cases(world)[-1]
    assert latest.support_status == "override_lasting" and latest.state == "pending"


def test_classify_2_decline_closes_with_the_code_and_tells_the_requester(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Smart watch will not pair service=personal-devices for=@jordan")
    dana.press("Decline", channel="C0DESKQ")
    dana.fill("Reason", "Personal watches are not company equipment")
    dana.submit()
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "declined_unsupported")
    assert case.closed_at is not None, "the close is dated like every other"
    assert any("not company equipment" in t for t in dm_texts(world, "U0USER02"))


def test_classify_2_security_violation_goes_to_security(world: World, dana: Driver) -> None:
    dana.command("/case new Upload the customer list to WeTransfer service=file-sharing-sites")
    (case,) = cases(world)
    assert case.support_status == "security_violation" and case.group_key == "security"
    assert texts(world, "C0SECQ")


def test_classify_2_service_not_in_catalog_is_flagged(world: World, dana: Driver) -> None:
    dana.command("/case")
    dana.fill("Summary", "3D printer in the lab is jammed")
    dana.fill("Affected service", "Something not in this list")
    answer = dana.submit()
    assert answer is not None and "service_name" in answer["errors"]
    for label, value in {
        "If it is not in the list": "Lab 3D printer",
        "Request type": "Incident",
        "Category": "Hardware",
        "How many people": "Only",
        "Who is affected": "Internal",
        "Is a business-critical": "No",
        "How badly": "It can wait",
        "What changed recently": "Nothing",
    }.items():
        dana.fill(label, value)
    dana.submit()
    (case,) = cases(world)
    assert case.support_status == "not_in_catalog" and case.service_name == "Lab 3D printer"


NOT_IN_LIST = {
    "Request type": "Incident",
    "Category": "Hardware",
    "How many people": "Only",
    "Who is affected": "Internal",
    "Is a business-critical": "No",
    "How badly": "It can wait",
    "What changed recently": "Nothing",
}


def _named_service(dana: Driver, summary: str, name: str) -> None:
    """A case on a service the person named that the catalog does not have."""
    dana.command("/case")
    dana.fill("Summary", summary)
    dana.fill("Affected service", "Something not in this list")
    dana.fill("If it is not in the list", name)
    for label, value in NOT_IN_LIST.items():
        dana.fill(label, value)
    answer = dana.submit()
    if answer is not None and answer.get("view", {}).get("callback_id") == "intake_duplicates":
        dana.fill("What should happen", "Record a new case")  # the requester's other case
        dana.submit()


def test_classify_2_unsupported_lists_services_missing_from_the_catalog_with_time_spent(
    world: World, dana: Driver
) -> None:
    _named_service(dana, "3D printer in the lab is jammed", "Lab 3D printer")  # CASE-1001
    dana.pass_time(timedelta(days=2))
    dana.command("/case new Home router drops service=personal-devices for=@jordan")  # 1002
    dana.pass_time(timedelta(minutes=30))
    dana.press("Decline", channel="C0DESKQ")
    dana.fill("Reason", "Personal routers are not company equipment")
    dana.submit()
    _named_service(dana, "Filament will not feed", "lab 3d printer")  # CASE-1003, same service
    dana.command("/case new Printer jams on floor 2 service=printers for=@alex")  # supported
    dana.pass_time(timedelta(minutes=90))
    assert [c.state for c in cases(world)][:3] == ["pending", "closed", "pending"]

    def contact(number: int) -> str:
        at = cases(world)[number - 1001].first_contact_at
        return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{plain_when(at)}>"

    dana.command("/case unsupported")
    assert last_ephemeral(world, "U0DESK01") == (
        "*Unsupported services, last 30 days*: 3 cases, 2 d 4 h spent in all\n"
        "• *lab 3d printer* (not in the catalog): 2 cases, 2 open · 2 d 3 h spent · last "
        f"contact {contact(1003)}\n"
        "• *Personal phones and home equipment* (in the catalog, marked unsupported): 1 case, "
        f"0 open · 30 min spent · last contact {contact(1002)}\n"
        "_Time spent: each case from first contact to its close, or to now while open. Add the "
        "services people keep naming to config/catalog.yml, or tell them where to go instead._"
    )
    dana.command("/case unsupported 1")
    assert last_ephemeral(world, "U0DESK01").startswith(
        "*Unsupported services, last 1 days*: 2 cases, 2 h 00 min spent in all\n"
        "• *lab 3d printer* (not in the catalog): 1 case, 1 open · 1 h 30 min spent · "
    )
    alex = as_user(world, "alex")
    alex.command("/case unsupported")
    assert "You can't read the unsupported-services report" in last_ephemeral(world, "U0USER01")
    dana.command("/case unsupported soon")
    assert "Give the period in days, 1 to " in last_ephemeral(world, "U0DESK01")


@pytest.mark.parametrize(
    ("people", "urgency", "expected"),
    [
        ("everyone", "high", "P1"),
        ("everyone", "medium", "P2"),
        ("site", "high", "P2"),
        ("team", "medium", "P3"),
        ("one", "medium", "P4"),
        ("one", "low", "P5"),
    ],
)
def test_classify_3_priority_comes_from_the_matrix(
    policy: Policy, people: str, urgency: str, expected: str
) -> None:
    answers = {"people": people, "groups": UNKNOWN, "critical": "no"}
    impact = impact_of(policy, answers, "laptops")
    assert priority_of(policy, impact, urgency, "laptops") == expected


def test_classify_3_a_service_presets_or_caps_priority(policy: Policy) -> None:
    assert priority_of(policy, "minor", "low", "payroll") == "P3"  # at least P3
    assert priority_of(policy, "extensive", "high", "printers") == "P3"  # at most P3
    critical = impact_of(policy, {"people": "one"}, "email")  # unanswered, critical service
    assert critical == "significant"


def test_classify_4_reclassification_records_the_reason_and_tells_everyone(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Payroll export fails service=payroll urgency=low for=@alex")
    kenji = as_user(world, "hana")
    kenji.press("Take it", channel="C0PAYQ")
    dana.press("Reclassify", channel="C0PAYQ")
    dana.fill("How badly", "Work has stopped")
    dana.fill("How many people", "A department")
    dana.fill("Reason", "The whole finance department is blocked")
    dana.submit()
    (case,) = cases(world)
    (prio,) = events(world, 1001, "priority")
    assert (prio.old_value, prio.new_value) == ("P3", case.priority) and case.priority == "P2"
    assert prio.reason == "The whole finance department is blocked" and prio.actor_id == "U0DESK01"
    assert any("reclassified" in t for t in dm_texts(world, "U0APP01")), "coordinator told"
    assert any("reclassified" in t for t in texts(world, "C0DESKQ")), "service desk told"
    assert any("changed from P3 to" in t for t in dm_texts(world, "U0USER01")), "requester told"


def test_classify_4_a_raise_to_major_starts_route_1_at_once(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium for=@alex")
    dana.press("Reclassify", channel="C0NETQ")
    dana.fill("How many people", "Most of the organisation")
    dana.fill("How badly", "Work has stopped")
    dana.fill("Reason", "Every remote worker is affected")
    dana.submit()
    (case,) = cases(world)
    assert case.is_major and case.priority == "P1" and case.group_key == "command-center"
    assert case.channel_id is not None
    (impact,) = [e for e in events(world, 1001, "reclassified") if e.field == "impact"]
    assert impact.new_value == case.impact == "extensive" and impact.old_value != "extensive"
    assert any("Major incident CASE-1001" in t for t in texts(world, "C0MAJOR"))
    assert not texts(world, "C0NETQ"), "the card left the network queue"
    assert any("CASE-1001" in t for t in texts(world, "C0CMDQ"))


def test_classify_4_a_reason_is_required(world: World, dana: Driver) -> None:
    dana.command("/case new VPN drops service=vpn urgency=medium")
    dana.press("Reclassify", channel="C0NETQ")
    dana.fill("How badly", "Work has stopped")
    dana.fill("Reason", "")
    answer = dana.submit()
    assert answer is not None and answer["errors"]["reason"]
    assert not events(world, 1001, "reclassified")
