"""`/kb` and the suggestion buttons through the real Bolt app and the stand-in Slack (WORK-2,
KB-1..KB-6), through the runtime that wires them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot import suggestions
from bot.clock import Clock
from bot.command_text import fields_from_command
from bot.desk.views import Recorded
from bot.render.kb_cards import suggestion_message
from bot.sandbox.driver import Driver, Found
from bot.sandbox.world import World, build_world
from kb.learning import learned_words
from kb.matcher import FEEDBACK_SPAN
from kb.service import KnowledgeBase
from tests.conftest import as_user, world_settings
from tests.helpers import dm_texts, events, last_ephemeral, outbox, texts

BASE = "https://desk.example.org"
DESK_QUEUE = "C0DESKQ"
ALEX = "U0USER01"


@pytest.fixture
def world(database_url: str, clock: Clock) -> Iterator[World]:
    """The sandbox with article links under BASE, and CASE-1001 recorded for Alex."""
    settings = world_settings(database_url, kb_url=BASE)
    built = build_world(settings, clock=clock)
    fields = fields_from_command(
        built.runtime.policy, "Laptop battery drains overnight", reporter_id="U0DESK01"
    )
    built.runtime.desk.intake.record(
        dataclasses.replace(fields, requester_id=ALEX), check_duplicates=False
    )
    built.runtime.dispatcher.drain()
    yield built
    built.close()


@pytest.fixture
def kb(world: World) -> KnowledgeBase:
    """The runtime's own knowledge base (synced from the shipped articles at start)."""
    return world.runtime.kb


def _post_suggestions(world: World, kb: KnowledgeBase, summary: str, case: int = 1001) -> None:
    """What the workflow will do at intake: post the suggestions into the case's place."""
    found = kb.suggest(summary, for_requester=False)
    kb.record_shown([s.article_id for s in found], case_number=case, actor="bot")
    world.runtime.app.client.chat_postMessage(
        channel=DESK_QUEUE, **suggestion_message(found, case_number=case)
    )


def _answer(body: dict[str, Any] | None) -> str:
    assert body is not None
    return json.dumps(body)


# -- /kb search ---------------------------------------------------------------------------
def test_kb_2_search_answers_only_the_caller_with_ranked_scored_results(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    answer = _answer(dana.command("/kb search vpn wont conect"))
    assert "KB-4" in answer and "score" in answer and f"{BASE}/kb/KB-4" in answer
    assert answer.index("KB-4") < answer.index("KB-5")
    assert "KB-4" in last_ephemeral(world, "U0DESK01")
    assert not texts(world, "C0ITHELP"), "nothing is posted in the channel"


def test_kb_5_requesters_never_see_restricted_articles(world: World, kb: KnowledgeBase) -> None:
    query = "/kb search I clicked a link in a phishing e-mail"
    assert "KB-21" in _answer(as_user(world, "dana").command(query))
    alex = as_user(world, "alex")
    assert "KB-21" not in _answer(alex.command(query))
    assert "KB-29" not in _answer(alex.command("/kb search unexpected MFA prompts"))


def test_kb_2_bad_searches_get_clear_answers(world: World, kb: KnowledgeBase, dana: Driver) -> None:
    assert "Type some words to search for" in _answer(dana.command("/kb search"))
    assert "No article matches" in _answer(dana.command("/kb search xyzzy quux"))
    long = "printer offline " + "word " * 2500
    answer = _answer(dana.command(f"/kb search {long}"))
    assert "KB-10" in answer and "only the first 2,000 characters" in answer
    assert (dana.command("/kb frobnicate") or {}).get("text") == (
        ":warning: I don't know `frobnicate`.\n`/kb help` lists every command."
    )
    assert (dana.command("/kb serch printer") or {}).get("text") == (
        ":warning: I don't know `serch`. Did you mean `/kb search`?\n"
        "`/kb help` lists every command."
    )
    assert "/kb search" in _answer(dana.command("/kb"))


# -- /kb report, /kb new, /kb edit (staff) -------------------------------------------------
def test_kb_3_report_is_for_staff(world: World, kb: KnowledgeBase, dana: Driver) -> None:
    kb.record_feedback("KB-5", case_number=1001, kind="made_worse", actor="U0DESK01")
    answer = _answer(dana.command("/kb report"))
    assert "Retire or fix now" in answer and "KB-5" in answer and "Self-help candidates" in answer
    refused = _answer(as_user(world, "alex").command("/kb report"))
    assert "Only the desk and its resolver groups" in refused


def test_kb_6_new_and_edit_from_slack_land_in_the_store(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    dana.command("/kb new")
    dana.fill("Title", "Badge reader beeps red at the door")
    dana.fill("Status", "Published")
    dana.fill("Symptoms", "badge rejected\ndoor will not open")
    dana.fill("Services", "teleporter")
    dana.fill("Body", "1. Hold the badge flat.\n2. Ask reception for a new badge.")
    body = dana.submit()
    assert body is not None and body["response_action"] == "errors"
    assert "teleporter" in body["errors"]["services"]
    dana.fill("Services", "")
    assert dana.submit() is None
    assert any("Created" in t and "KB-33" in t for t in dm_texts(world, "U0DESK01"))
    assert kb.search("badge rejected at the door", for_requester=True)[0].article_id == "KB-33"

    dana.command("/kb edit KB-33")
    dana.fill("Title", "Badge reader beeps red")
    dana.fill("Audience", "Restricted")
    assert dana.submit() is None
    article = kb.get("KB-33", for_requester=False)
    assert article.title == "Badge reader beeps red" and article.audience == "restricted"
    assert "There is no article KB-999" in _answer(dana.command("/kb edit KB-999"))
    assert "Name the article" in _answer(dana.command("/kb edit"))
    alex = as_user(world, "alex")
    assert "Only the desk" in _answer(alex.command("/kb new"))
    assert alex.current_view() is None


# -- suggestion buttons (WORK-2, KB-3, KB-4, KB-5) -----------------------------------------
def test_work_2_suggestions_carry_scores_and_the_buttons(world: World, kb: KnowledgeBase) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    posted = texts(world, DESK_QUEUE)[-1]
    assert "CASE-1001" in posted and "score" in posted
    blocks = world.standin.messages(DESK_QUEUE)[-1].blocks
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels.count("Fixed it") <= 3
    for label in ("Fixed it", "Did not help", "Made it worse", "Open", "Send to requester"):
        assert label in labels


def test_kb_4_feedback_buttons_count_once_and_link_the_case(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    found = dana.find_button("Fixed it", channel=DESK_QUEUE)
    dana.click(found)
    article = found.element["value"].split(":")[0]
    assert f"Noted: {article} fixed CASE-1001" in last_ephemeral(world, "U0DESK01")
    dana.click(found)
    assert "it counts once" in last_ephemeral(world, "U0DESK01")
    assert kb.usage(article).fixed == 1
    assert (article, "resolved") in kb.links_of_case(1001)
    assert kb.cases_resolved_by(article) == [1001]
    dana.press("Made it worse", channel=DESK_QUEUE)
    assert "made things worse on CASE-1001" in last_ephemeral(world, "U0DESK01")


def test_kb_3_a_later_did_not_help_replaces_an_earlier_fixed_it(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    fixed = dana.find_button("Fixed it", channel=DESK_QUEUE)
    not_helped = dana.find_button("Did not help", channel=DESK_QUEUE)
    article = fixed.element["value"].split(":")[0]
    assert not_helped.element["value"] == fixed.element["value"], "the same article's buttons"
    dana.click(fixed)
    assert (kb.usage(article).fixed, kb.usage(article).not_helped) == (1, 0)
    assert kb.cases_resolved_by(article) == [1001]
    dana.click(not_helped)
    assert last_ephemeral(world, "U0DESK01") == (
        f'Noted: {article} did not help with CASE-1001. This replaces your earlier "fixed it"; '
        "only your latest answer counts."
    )
    assert (kb.usage(article).fixed, kb.usage(article).not_helped) == (0, 1)
    assert kb.cases_resolved_by(article) == [], "the fix was taken back"
    assert kb.links_of_case(1001) == [(article, "applied")]
    dana.click(not_helped)
    assert "it counts once" in last_ephemeral(world, "U0DESK01")
    sam = as_user(world, "sam")  # another person's answer is their own
    sam.click(sam.find_button("Fixed it", channel=DESK_QUEUE))
    dana.click(fixed)
    assert last_ephemeral(world, "U0DESK01") == (
        f'Noted: {article} fixed CASE-1001. This replaces your earlier "did not help"; only '
        "your latest answer counts."
    )
    assert (kb.usage(article).fixed, kb.usage(article).not_helped) == (2, 0)
    assert kb.cases_resolved_by(article) == [1001]


def test_kb_4_kb_show_gives_staff_the_figures_and_the_cases_it_fixed(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    fixed = dana.find_button("Fixed it", channel=DESK_QUEUE)
    article = fixed.element["value"].split(":")[0]
    dana.click(fixed)
    dana.command(f"/kb show {article}")
    shown = last_ephemeral(world, "U0DESK01")
    usage = kb.usage(article)
    assert (
        f"*Usage:* shown {usage.shown} · opened 0 · fixed it 1 · did not help 0 · made it worse 0 "
        "· sent to requesters 0 (each person's latest answer per case)\n"
        "*Cases it resolved (1):*\n"
        "• *CASE-1001* Laptop battery drains overnight · Pending · fixed it for <@U0DESK01>\n"
    ) in shown
    assert usage.shown == 1
    assert shown.startswith(f"{article} ") and f"*<{BASE}/kb/{article}|{article}>*" in shown


def test_kb_4_kb_show_tells_a_requester_only_the_article(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    dana.click(dana.find_button("Fixed it", channel=DESK_QUEUE))
    alex = as_user(world, "alex")
    alex.command("/kb show KB-4")
    shown = last_ephemeral(world, ALEX)
    assert shown.startswith("KB-4 ") and "Usage" not in shown and "CASE-" not in shown
    alex.command("/kb show KB-21")
    assert "KB-21 is restricted to the desk's staff." in last_ephemeral(world, ALEX)
    dana.command("/kb show KB-21")
    assert "*Cases it resolved:* none yet." in last_ephemeral(world, "U0DESK01")
    dana.command("/kb show")
    assert "Name the article: `/kb show KB-12`." in last_ephemeral(world, "U0DESK01")
    dana.command("/kb show KB-999")
    assert "There is no article KB-999." in last_ephemeral(world, "U0DESK01")


def test_work_2_send_to_requester_posts_the_link_never_the_body(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    found = dana.find_button("Send to requester", channel=DESK_QUEUE)
    article_id = found.element["value"].split(":")[0]
    dana.click(found)
    dm = "\n".join(dm_texts(world, ALEX))
    assert f"{BASE}/kb/{article_id}" in dm and "CASE-1001" in dm
    assert "Steps" not in dm and "Collect logs" not in dm, "a link, never a pasted copy"
    assert f"Sent the link to {article_id}" in last_ephemeral(world, "U0DESK01")
    assert kb.usage(article_id).sent == 1


def test_kb_5_restricted_suggestions_have_no_send_button_and_a_forged_press_is_refused(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "I clicked a link in a phishing e-mail")
    blocks = world.standin.messages(DESK_QUEUE)[-1].blocks
    restricted = [b for b in blocks if b["type"] == "actions" and b["block_id"] == "kb_KB-21"]
    assert restricted and "Send to requester" not in json.dumps(restricted)
    forged = dana.find_button("Open", channel=DESK_QUEUE)
    forged.element = {**forged.element, "action_id": "kb_send", "value": "KB-21:1001"}
    before = dm_texts(world, ALEX)
    dana.click(forged)
    assert "KB-21 is restricted" in last_ephemeral(world, "U0DESK01")
    assert dm_texts(world, ALEX) == before, "nothing more reached the requester"
    forged.element = {**forged.element, "value": "KB-4:4242"}
    dana.click(forged)
    assert "can't find the requester of CASE-4242" in last_ephemeral(world, "U0DESK01")
    forged.element = {**forged.element, "value": "garbage"}
    dana.click(forged)
    assert "does not point at an article" in last_ephemeral(world, "U0DESK01")


def test_kb_5_open_shows_the_article_to_the_clicker_and_restricted_only_to_staff(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    alex = as_user(world, "alex")
    alex.command("/kb search vpn will not connect")
    alex.press("Open")
    assert "Collect logs" in last_ephemeral(world, ALEX)
    assert kb.usage("KB-4").opened == 1
    dana.command("/kb search phishing e-mail clicked a link")
    found = dana.find_button("Open")
    assert found.element["value"] == "KB-21:"
    dana.click(found)
    assert "Desk procedure for reported phishing" in last_ephemeral(world, "U0DESK01")
    found.element = {**found.element, "value": "KB-21:"}
    alex.click(found)
    assert "KB-21 is restricted" in last_ephemeral(world, ALEX)


def test_kb_5_requesters_cannot_send_articles(world: World, kb: KnowledgeBase) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    alex = as_user(world, "alex")
    found = as_user(world, "dana").find_button("Send to requester", channel=DESK_QUEUE)
    alex.click(found)
    assert "Only the desk and its resolver groups can send" in last_ephemeral(world, ALEX)


# -- the best passage as the snippet (KB-2) and learning from the desk's fixes (KB-6) --------
def _intake(world: World, summary: str) -> int:
    """A case recorded the way /case records it; the workflow posts its suggestions."""
    fields = fields_from_command(world.runtime.policy, summary, reporter_id="U0DESK01")
    recorded = world.runtime.desk.intake.record(
        dataclasses.replace(fields, requester_id=ALEX), check_duplicates=False
    )
    world.runtime.dispatcher.drain(wait_up_to=5.0)
    assert isinstance(recorded, Recorded)
    return recorded.case.number


def _suggested(world: World, case: int) -> tuple[list[str], Any]:
    """The articles of the newest suggestion card of `case`, in order, and the card."""
    cards = [
        m
        for m in world.standin.messages(DESK_QUEUE)
        if f"suggestions for CASE-{case}" in (m.text or "")
    ]
    assert cards
    card = cards[-1]
    ids = [b["block_id"][3:] for b in card.blocks if b["type"] == "actions"]
    return ids, card


def test_kb_6_a_fix_pressed_in_slack_teaches_the_desks_later_rankings(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    """The KB-6 loop: "Fixed it" on the second suggestion for a case teaches the article the
    case's words, so the next case described alike gets it first, in every process."""
    first = _intake(world, "Printer on the 3rd floor is not printing")
    ids, card = _suggested(world, first)
    assert ids[:2] == ["KB-10", "KB-11"], "printer offline first, queue stuck second"
    later = "3rd floor printer not printing again"
    assert [s.article_id for s in kb.suggest(later, for_requester=False)][:2] == ids[:2]
    before = {s.article_id: s.score for s in kb.search(later, for_requester=False)}
    # Another worker, its index built before the press.
    other = KnowledgeBase(world.runtime.desk.db, base_url=BASE, refresh_seconds=0.0)
    assert [s.article_id for s in other.search(later, for_requester=False)][:2] == ids[:2]
    block = next(b for b in card.blocks if b.get("block_id") == "kb_KB-11")
    fixed = next(e for e in block["elements"] if e["text"]["text"] == "Fixed it")
    dana.click(
        Found(element=fixed, block_id="kb_KB-11", where="message", channel=DESK_QUEUE, ts=card.ts)
    )
    assert f"Noted: KB-11 fixed CASE-{first}" in last_ephemeral(world, "U0DESK01")
    second = _intake(world, later)
    assert _suggested(world, second)[0][:2] == ["KB-11", "KB-10"]
    found = other.search(later, for_requester=False)
    assert [s.article_id for s in found][:2] == ["KB-11", "KB-10"]
    after = {s.article_id: s.score for s in found}
    # One press nudges a score by at most FEEDBACK_SPAN; the learned words did the rest.
    assert after["KB-11"] > before["KB-11"] * (1 + FEEDBACK_SPAN) + 5


def test_kb_3_a_fix_withdrawn_in_slack_takes_back_what_it_taught(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    """A later "Did not help" replaces the "Fixed it": the article no longer resolved the case,
    and the case's words it had learned are forgotten, so the ranking is as before."""
    first = _intake(world, "Printer on the 3rd floor is not printing")
    _, card = _suggested(world, first)
    later = "3rd floor printer not printing again"
    block = next(b for b in card.blocks if b.get("block_id") == "kb_KB-11")

    def press(label: str) -> None:
        button = next(e for e in block["elements"] if e["text"]["text"] == label)
        dana.click(
            Found(
                element=button, block_id="kb_KB-11", where="message", channel=DESK_QUEUE, ts=card.ts
            )
        )

    def learned() -> int:
        with world.runtime.db.reading() as session:
            return len(learned_words(session, ["KB-11"]).get("KB-11", ()))

    press("Fixed it")
    assert [s.article_id for s in kb.search(later, for_requester=False)][:2] == ["KB-11", "KB-10"]
    assert [c.number for c in kb.resolved_cases("KB-11")] == [first]
    assert learned() == 1
    press("Did not help")
    assert 'This replaces your earlier "fixed it"' in last_ephemeral(world, "U0DESK01")
    assert learned() == 0
    assert kb.search(later, for_requester=False)[0].article_id == "KB-10"
    assert kb.resolved_cases("KB-11") == []
    assert (kb.usage("KB-11").fixed, kb.usage("KB-11").not_helped) == (0, 1)


def test_kb_2_suggestions_and_search_show_the_passage_that_matched(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    case = _intake(world, "Outlook says disconnected from the server")
    ids, card = _suggested(world, case)
    assert ids[0] == "KB-9"
    quotes = [b for b in card.blocks if b["type"] == "context"]
    assert quotes and quotes[0]["elements"][0]["text"].startswith("“")
    answer = dana.command("/kb search print queue stuck")
    assert answer is not None
    blocks = answer["blocks"]
    assert next(b["block_id"] for b in blocks if b["type"] == "actions") == "kb_KB-11"
    snippet = next(b for b in blocks if b["type"] == "context")["elements"][0]["text"]
    assert "queue" in snippet.lower() and snippet.startswith("“")


def _sent_links(world: World) -> list[tuple[str, str, str]]:
    """The requester_article rows in the outbox: (target, article, case lane)."""
    return [
        (row.target, str(row.params.get("article")), row.lane)
        for row in outbox(world)
        if row.template == "requester_article"
    ]


def test_perm_1_a_forged_send_to_requester_press_without_the_role_is_refused_and_records_nothing(
    world: World, kb: KnowledgeBase, dana: Driver
) -> None:
    _post_suggestions(world, kb, "VPN will not connect from home")
    found = dana.find_button("Send to requester", channel=DESK_QUEUE)
    article_id = found.element["value"].split(":")[0]
    before = dm_texts(world, ALEX)
    for name, user in (("kenji", "U0NET01"), ("alex", ALEX)):  # staff off the case; the requester
        as_user(world, name).click(found)
        refusal = last_ephemeral(world, user)
        assert refusal.startswith(
            "Only the desk and its resolver groups can send articles to a requester. "
            "You can't send articles about CASE-1001. It needs the coordinator of CASE-1001"
        ), refusal
    assert _sent_links(world) == []
    assert events(world, 1001, "kb_sent") == []
    assert kb.usage(article_id).sent == 0
    assert dm_texts(world, ALEX) == before
    dana.click(found)  # the desk may: the same press from Dana is sent
    assert _sent_links(world) == [(ALEX, article_id, "case:1")]
    assert kb.usage(article_id).sent == 1


@pytest.mark.parametrize("failing", ["the link", "its record"])
def test_work_2_the_link_and_its_sent_record_commit_in_one_transaction(
    world: World, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """Whichever of the two steps fails, after doing its work, neither is kept."""
    desk = world.runtime.desk
    send_link, record_sent_in = suggestions.send_link, kb.record_sent_in

    def done_then_lost(step: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            step(*args, **kwargs)
            raise RuntimeError(f"{failing} failed after it was written")

        return run

    if failing == "the link":
        monkeypatch.setattr(suggestions, "send_link", done_then_lost(send_link))
    else:
        monkeypatch.setattr(kb, "record_sent_in", done_then_lost(record_sent_in))
    with pytest.raises(RuntimeError):
        desk.knowledge.send_article_link(1001, "KB-4", actor="U0DESK01")
    assert kb.usage("KB-4").sent == 0
    assert _sent_links(world) == [] and events(world, 1001, "kb_sent") == []
    monkeypatch.undo()
    summary = desk.knowledge.send_article_link(1001, "KB-4", actor="U0DESK01")
    assert summary.requester_id == ALEX
    assert _sent_links(world) == [(ALEX, "KB-4", "case:1")]
    assert [e.new_value for e in events(world, 1001, "kb_sent")] == ["KB-4"]
    assert kb.usage("KB-4").sent == 1
