"""CLOSE-1 (the resolver's attempt), CLOSE-2 (verification with the customer, reopen, silence),
CLOSE-4 (the close and its mandatory record), CLOSE-5 (who hears of it, the channel archived)
and CLOSE-6 (first-contact resolution from the record)."""

from __future__ import annotations

from datetime import timedelta

from bot.article_page import article_page
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
)

PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"
RAVI, ALEX = "U0EUC01", "U0USER01"
CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}


def proposed(world: World, dana: Driver, number: int = 1001) -> Driver:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    ravi.command(f"/case resolve CASE-{number} Replaced the fuser unit; test pages print cleanly")
    return ravi


def asked(world: World, dana: Driver) -> tuple[Driver, Driver]:
    ravi = proposed(world, dana)
    ravi.press("Verify with the requester")
    return ravi, as_user(world, "alex")


def close_with(driver: Driver, answers: dict[str, str]) -> dict[str, object] | None:
    driver.command("/case close CASE-1001")
    return fill_and_submit(driver, answers)


def test_close_1_a_proposal_waits_on_the_coordinator(world: World, dana: Driver) -> None:
    proposed(world, dana)
    (case,) = cases(world)
    assert case.state == "waiting_on_coordinator" and case.resolved_by == RAVI
    assert case.resolution and case.resolution.fix == "fix"
    (row,) = events(world, 1001, "resolution_proposed")
    assert row.reason == "Replaced the fuser unit; test pages print cleanly"
    alert = dm_texts(world, RAVI)[-1]
    assert "proposes a resolution for *CASE-1001*" in alert and "Verify with the requester" in alert


def test_close_1_the_form_records_articles_and_what_made_it_worse(
    world: World, dana: Driver
) -> None:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("Resolve", channel="C0EUCQ")
    answer = ravi.submit()
    assert answer is not None and "done" in answer["errors"]
    ravi.fill("What was done", "Cleared the jam and reset the tray sensor")
    ravi.fill("Fix or workaround", "Workaround")
    ravi.fill("Knowledge-base articles used", "kb-6, KB-9")
    ravi.fill("Any that made it worse?", "KB-9")
    ravi.submit()
    (row,) = events(world, 1001, "resolution_proposed")
    assert row.detail == {"articles": ["KB-6", "KB-9"], "made_worse": ["KB-9"]}
    assert row.new_value == "Workaround"


def test_close_2_yes_confirms_and_the_coordinator_closes(world: World, dana: Driver) -> None:
    ravi, alex = asked(world, dana)
    question = dm_texts(world, ALEX)[-1]
    assert "Is it working now?" in question and "CASE-1001" in question
    assert cases(world)[0].state == "resolved"
    alex.press("Yes, it works")
    assert cases(world)[0].verified_at is not None
    assert "confirmed that *CASE-1001* works" in dm_texts(world, RAVI)[-1]
    close_with(ravi, CLOSE_ANSWERS)
    (case,) = cases(world)
    assert (case.state, case.closure_code) == ("closed", "resolved")
    assert case.closure and case.closure.root_cause == "Hardware failure"
    assert any("*CASE-1001* is closed: Resolved" in t for t in dm_texts(world, ALEX))
    card = texts(world, "C0EUCQ")[0]
    assert (
        "Closed: resolved" in card
        and "Take it" not in card
        and "Close" not in card.split("Closed")[0].split("\n")[-1]
    )
    resolution = next(c for c in case.clocks if c.metric == "resolution")
    assert resolution.met_at is not None


def test_close_2_no_reopens_to_the_resolver_with_the_requesters_words(
    world: World, dana: Driver
) -> None:
    _ravi, alex = asked(world, dana)
    alex.press("No, still broken")
    answer = alex.submit()
    assert answer is not None and "words" in answer["errors"]
    alex.fill("What still does not work?", "It jams again on every A3 page")
    alex.submit()
    (case,) = cases(world)
    assert (case.state, case.reopen_count, case.verified_at) == ("in_progress", 1, None)
    told = dm_texts(world, RAVI)[-1]
    assert "reopened (reopen 1)" in told and "It jams again on every A3 page" in told
    assert "Reopened 1×" in texts(world, "C0EUCQ")[0]
    resolution = next(c for c in case.clocks if c.metric == "resolution")
    assert resolution.met_at is None and resolution.due_at is not None, "the clock runs again"


def test_close_2_silence_reminds_then_allows_no_response(world: World, dana: Driver) -> None:
    ravi, _alex = asked(world, dana)
    answer = close_with(ravi, CLOSE_ANSWERS)
    assert answer is not None and "has not confirmed that it works" in answer["errors"]["code"]
    answer = close_with(ravi, {**CLOSE_ANSWERS, "Closure code": "No response from the requester"})
    assert answer is not None and "stayed silent for 24 h" in answer["errors"]["code"]
    ravi.pass_time(timedelta(hours=8, minutes=1))
    assert "A reminder: *CASE-1001*" in dm_texts(world, ALEX)[-1]
    ravi.pass_time(timedelta(hours=16))
    assert 'close it with the code "No response"' in dm_texts(world, RAVI)[-1]
    close_with(ravi, {**CLOSE_ANSWERS, "Closure code": "No response from the requester"})
    assert cases(world)[0].closure_code == "no_response"


def test_close_4_bad_closes_are_answered_and_change_nothing(world: World, dana: Driver) -> None:
    ravi, alex = asked(world, dana)
    forged = world.runtime.desk
    try:
        forged.closing.answer_verification(1001, actor="U0USER02", working=True)
    except ValueError as exc:
        assert "Only the requester of CASE-1001" in str(exc)
    else:
        raise AssertionError("someone else verified Alex's case")
    yes = alex.find_button("Yes, it works")
    alex.click(yes)
    assert "Yes, it works" not in dm_texts(world, ALEX)[-1], "answered: the buttons are gone"
    answer = close_with(ravi, {"Closure code": "Resolved"})
    assert answer is not None and set(answer["errors"]) == {"cause", "fix", "kb", "restored"}
    answer = close_with(ravi, {**CLOSE_ANSWERS, "Service": "Follow-up needed"})
    assert answer is not None and "follow_up" in answer["errors"]
    alex.click(yes)  # a second click on the same button
    assert "not waiting for your answer" in last_ephemeral(world, ALEX)
    (case,) = cases(world)
    assert case.state == "resolved" and case.closure is None and not events(world, 1001, "closed")


def test_close_4_a_major_case_is_closed_only_by_the_command_center(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    dana.command("/case close CASE-1001")
    assert "It needs the command center role" in last_ephemeral(world, "U0DESK01")
    view = dana.current_view()
    assert view is None or view.get("callback_id") != "close", "refused before the form opens"
    assert cases(world)[0].state == "pending"
    priya = as_user(world, "priya")
    answer = close_with(priya, {**CLOSE_ANSWERS, "Closure code": "Declined as unsupported"})
    assert answer is not None and "Sent for approval" in str(answer), "P1 needs a manager (CLOSE-3)"
    as_user(world, "morgan").press("Approve the close")
    (case,) = cases(world)
    assert case.state == "closed"
    assert any("Closed:" in t for t in texts(world, "C0MAJOR"))
    assert any("will be archived in 24 h" in t for t in texts(world, case.channel_id or ""))
    priya.pass_time(timedelta(hours=24, minutes=1))
    assert world.standin.channel(case.channel_id or "").is_archived


def test_close_6_first_contact_resolution_comes_from_the_record(world: World, dana: Driver) -> None:
    dana.command("/case new Password expired for Alex service=identity urgency=medium for=@alex")
    dana.command("/case resolve CASE-1001 Reset the password with Alex on the phone")
    dana.command("/case verify CASE-1001")
    as_user(world, "alex").press("Yes, it works")
    close_with(dana, CLOSE_ANSWERS)
    (case,) = cases(world)
    assert case.first_contact_resolution is True
    assert "First-contact resolution" in texts(world, "C0IDMQ")[0]
    ravi = proposed(world, dana, 1002)  # worked in End-User Computing: not FCR
    ravi.command("/case verify CASE-1002")
    as_user(world, "alex").press("Yes, it works")
    ravi.command("/case close CASE-1002")
    fill_and_submit(ravi, CLOSE_ANSWERS)
    assert cases(world)[1].first_contact_resolution is False


PAYROLL = "/case new Payroll export fails with E42 service=payroll urgency=medium for=@jordan"


def payroll_verified(world: World, dana: Driver, resolver: str = "hana") -> Driver:
    dana.command(PAYROLL)
    hana = as_user(world, "hana")
    hana.press("Take it", channel="C0PAYQ")
    hana.press("1 h")
    as_user(world, resolver).command("/case resolve CASE-1001 Re-ran the export with the fix")
    hana.command("/case verify CASE-1001")
    as_user(world, "jordan").press("Yes, it works")
    return hana


def test_close_3_a_configured_service_closes_only_with_a_managers_approval(
    world: World, dana: Driver
) -> None:
    hana = payroll_verified(world, dana)
    answer = close_with(hana, CLOSE_ANSWERS)
    assert answer is not None and "closes once a manager approves" in str(answer)
    (case,) = cases(world)
    assert case.state == "resolved" and case.closure and case.closure.awaiting_approval
    assert "close awaiting a manager's approval" in texts(world, "C0PAYQ")[0]
    assert "asks to close *CASE-1001*" in dm_texts(world, "U0MGR01")[-1]
    as_user(world, "kenji").command("/case approve CASE-1001")
    assert "It needs the managers role (<@U0MGR01>)" in last_ephemeral(world, "U0NET01")
    as_user(world, "morgan").press("Approve the close")
    (case,) = cases(world)
    assert case.state == "closed" and case.closure_code == "resolved"
    kinds = [e.kind for e in events(world, 1001) if e.kind.startswith("clos")]
    assert kinds == ["closure_requested", "closure_approved", "closed"]


def test_close_3_a_rejection_needs_a_reason_and_goes_back(world: World, dana: Driver) -> None:
    hana = payroll_verified(world, dana)
    close_with(hana, CLOSE_ANSWERS)
    morgan = as_user(world, "morgan")
    morgan.command("/case reject CASE-1001")
    assert "Give the reason for rejecting" in last_ephemeral(world, "U0MGR01")
    morgan.command("/case reject CASE-1001 Check the export totals with Finance first")
    (case,) = cases(world)
    assert case.state == "resolved" and case.closure is None
    (row,) = events(world, 1001, "closure_rejected")
    assert row.reason == "Check the export totals with Finance first"
    assert "Check the export totals" in dm_texts(world, "U0APP01")[-1]


def test_close_3_nobody_approves_their_own_resolution(world: World, dana: Driver) -> None:
    hana = payroll_verified(world, dana, resolver="morgan")
    close_with(hana, CLOSE_ANSWERS)
    as_user(world, "morgan").command("/case approve CASE-1001")
    assert "cannot approve your own resolution" in last_ephemeral(world, "U0MGR01")
    assert cases(world)[0].state == "resolved"


def test_close_5_no_article_applied_asks_for_one_prefilled_from_the_resolution(
    world: World, dana: Driver
) -> None:
    ravi, alex = asked(world, dana)
    alex.press("Yes, it works")
    close_with(ravi, CLOSE_ANSWERS)
    prompt = dm_texts(world, RAVI)[-1]
    assert "closed without a knowledge-base article" in prompt
    ravi.press("Write an article from this resolution")
    view = str(ravi.current_view())
    assert "Printer on floor 2 jams" in view and "Replaced the fuser unit" in view
    ravi.submit()
    kb = world.runtime.kb
    (found,) = [a for a in kb.search("printer floor 2 jams fuser", for_requester=False)][:1]
    assert kb.cases_resolved_by(found.article_id) == [1001]


def test_close_5_articles_used_are_linked_to_the_case(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("Resolve", channel="C0EUCQ")
    ravi.fill("What was done", "Followed the paper-jam article")
    ravi.fill("Fix or workaround", "Permanent fix")
    ravi.fill("Knowledge-base articles used", "KB-6")
    ravi.submit()
    ravi.press("Verify with the requester")
    as_user(world, "alex").press("Yes, it works")
    close_with(ravi, {**CLOSE_ANSWERS, "Knowledge base": "A knowledge-base article was applied"})
    links = world.runtime.kb.links_of_case(1001)
    assert ("KB-6", "applied") in links and ("KB-6", "resolved") in links
    assert "closed without a knowledge-base article" not in dm_texts(world, RAVI)[-1]


def test_kb_4_an_article_lists_the_cases_whose_close_applied_it(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    ravi = as_user(world, "ravi")
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("Resolve", channel="C0EUCQ")
    ravi.fill("What was done", "Followed the paper-jam article")
    ravi.fill("Fix or workaround", "Permanent fix")
    ravi.fill("Knowledge-base articles used", "KB-6")
    ravi.submit()
    ravi.press("Verify with the requester")
    as_user(world, "alex").press("Yes, it works")
    close_with(ravi, {**CLOSE_ANSWERS, "Knowledge base": "A knowledge-base article was applied"})
    (case,) = cases(world)
    assert case.closed_at is not None
    closed = case.closed_at
    ravi.command("/kb show KB-6")
    assert (
        "*Cases it resolved (1):*\n• *CASE-1001* Printer on floor 2 jams · Closed "
        f"<!date^{int(closed.timestamp())}^{{date_short_pretty}} {{time}}|"
        f"{plain_when(closed)}> · applied at its close\n"
    ) in last_ephemeral(world, RAVI)
    status, page = article_page(world.runtime.kb, "KB-6", desk_name="Northwind IT")
    assert status == 200
    assert (
        f"<h2>Cases it resolved (1)</h2><ul><li>CASE-1001, closed {closed:%Y-%m-%d}</li></ul>"
        in (page)
    )
    assert "Printer on floor 2" not in page, "the public page names no case's words (PERM-2)"


def test_qual_1_a_survey_follows_the_close_and_its_answers_count(
    world: World, dana: Driver
) -> None:
    ravi, alex = asked(world, dana)
    alex.press("Yes, it works")
    close_with(ravi, CLOSE_ANSWERS)
    survey = dm_texts(world, ALEX)[-1]
    assert "How did we do?" in survey and "Is your problem solved?" in survey
    solved_yes = alex.find_button("Yes")
    alex.click(solved_yes)
    assert "Is your problem solved? *Yes*" in dm_texts(world, ALEX)[-1]
    alex.click(solved_yes)  # a second tap on the same answer
    assert "already answered that question" in last_ephemeral(world, ALEX)
    dana.command("/case surveys")
    figures = last_ephemeral(world, "U0DESK01")
    assert "1 sent, 1 answered (100% answer rate), 0 complete" in figures
    alex.press("Fast")
    alex.press("Very")
    dana.command("/case surveys")
    assert "1 complete; overall satisfaction 5.0 / 5" in last_ephemeral(world, "U0DESK01")


def test_qual_1_at_most_one_per_period_and_never_for_self_help(world: World, dana: Driver) -> None:
    ravi, alex = asked(world, dana)
    alex.press("Yes, it works")
    close_with(ravi, CLOSE_ANSWERS)
    ravi = proposed(world, dana, 1002)
    ravi.command("/case verify CASE-1002")
    alex.press("Yes, it works")
    ravi.command("/case close CASE-1002")
    fill_and_submit(ravi, CLOSE_ANSWERS)
    assert len(events(world, 1001, "survey_sent")) == 1 and not events(world, 1002, "survey_sent")
    dana.command("/case new My own monitor flickers service=laptops urgency=low")
    dana.command("/case resolve CASE-1003 Swapped the cable myself")
    dana.command("/case verify CASE-1003")
    dana.press("Yes, it works")
    dana.command("/case close CASE-1003")
    fill_and_submit(dana, CLOSE_ANSWERS)
    assert cases(world)[2].state == "closed" and not events(world, 1003, "survey_sent")
