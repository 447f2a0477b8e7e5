"""WORK-2: knowledge base first. Each case gets the best-matching articles and known errors
at intake, and again when its summary, description or classification changes, but only when the
top results change. They go under the case's queue card (a thread, where its group looks) and
into the case channel, never to the requester (KB-5: restricted articles stay with the staff).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from bot import notices as n
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import record_event
from config.policy import Policy
from kb.service import KnowledgeBase, Suggestion
from store.models import Case

SUGGESTIONS = 3


def find(kb: KnowledgeBase, query: dict[str, str]) -> list[Suggestion]:
    """The best matches for a case's text and classification (`query_of`). Called outside
    any case transaction: the KB reads the database on its own."""
    return kb.suggest(
        query["summary"],
        query["description"],
        request_type=query["request_type"],
        category=query["category"],
        service=query["service"],
        for_requester=False,
        limit=SUGGESTIONS,
    )


def query_of(case: Case) -> dict[str, str]:
    return {
        "summary": case.summary,
        "description": case.description,
        "request_type": case.request_type,
        "category": case.category,
        "service": case.service_key,
    }


def post(policy: Policy, case: Case, found: list[Suggestion], *, now: datetime) -> list[Notice]:
    """Record and post the suggestions, unless they are the ones already posted."""
    ids = [s.article_id for s in found]
    last = next(
        (
            e
            for e in sorted(case.events, key=lambda e: e.id or 0, reverse=True)
            if e.kind == "kb_suggested"
        ),
        None,
    )
    if not found or (last is not None and last.detail.get("articles") == ids):
        return []
    record_event(
        case,
        at=now,
        actor=None,
        kind="kb_suggested",
        new=", ".join(ids),
        detail={"articles": ids, "scores": [round(s.score, 1) for s in found]},
    )
    payload = [asdict(s) for s in found]
    notices = []
    if case.group_key:
        queue = policy.groups[case.group_key].queue_channel
        notices.append(
            n.post(queue, "kb_suggestions", thread_key=n.queue_key(case), suggestions=payload)
        )
    if case.channel_id or case.is_major:
        notices.append(n.post(CASE_CHANNEL, "kb_suggestions", suggestions=payload))
    return notices


def send_link(
    case: Case, *, article_id: str, title: str, url: str, actor: str, now: datetime
) -> list[Notice]:
    record_event(case, at=now, actor=actor, kind="kb_sent", new=article_id, reason=title)
    return [
        n.post(case.requester_id, "requester_article", article=article_id, title=title, url=url)
    ]
