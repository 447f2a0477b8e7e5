"""The record `bench-figures` reads: closed cases with their clocks, timeline, parties, surveys
and article use, bulk-inserted in chunks (SQLAlchemy core, no ORM objects). Every case follows
from its index by fixed rules (`first_contact`, and the modulo choices in `_case`), so a test
can say what the figures of a small fill must be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select

from config.policy import Policy
from config.settings import SHIPPED_CONFIG
from kb.service import KnowledgeBase
from store.db import Database
from store.kb_models import KbArticle, KbCaseLink, KbEvent
from store.models import Case, CaseEvent, CaseParty, Closure, SlaClock, Survey

SPAN = timedelta(days=60)  # first contacts spread evenly over the 60 days before `now` ...
CLOSED_BY = timedelta(days=1)  # ... the last one a day before, so every close lies in the past
CHUNK = 2000
KB_FOLDER = SHIPPED_CONFIG.parent / "kb" / "articles"
GROUPS = ("service-desk", "network", "identity", "end-user-computing", "messaging")
SERVICES = ("vpn", "identity", "laptops", "printers", "email")
PRIORITIES = ("P1", "P2", "P3", "P3", "P4", "P4", "P5")
TYPES = ("incident", "information", "fulfillment", "unknown")
CATEGORIES = ("network", "software", "hardware", "unknown", "security")
CHANNELS = ("slack_command", "slack_form", "slack_message", "self_service")


def first_contact(index: int, *, cases: int, now: datetime) -> datetime:
    return now - CLOSED_BY - SPAN + SPAN * index / cases


def fill(db: Database, policy: Policy, *, cases: int, now: datetime) -> None:
    """Empty the case record, then insert `cases` closed cases and what hangs off them."""
    _empty(db)
    KnowledgeBase(db, base_url="http://localhost/kb").sync(KB_FOLDER)
    with db.reading() as session:
        articles = list(session.scalars(select(KbArticle.id).order_by(KbArticle.number)))
    for start in range(0, cases, CHUNK):
        rows: dict[type[Any], list[dict[str, Any]]] = {}
        for index in range(start, min(start + CHUNK, cases)):
            for model, row in _case(index, cases=cases, now=now, articles=articles):
                rows.setdefault(model, []).append(row)
        with db.transaction() as session:
            for model in (Case, CaseParty, SlaClock, CaseEvent, Survey, KbEvent, KbCaseLink):
                if rows.get(model):
                    session.execute(insert(model), rows[model])


def _empty(db: Database) -> None:
    with db.transaction() as session:
        for model in (KbCaseLink, KbEvent, Survey, SlaClock, CaseEvent, CaseParty, Case):
            session.execute(delete(model))


def _case(
    i: int, *, cases: int, now: datetime, articles: list[str]
) -> Iterator[tuple[type[Any], dict[str, Any]]]:
    """One closed case: who, what, its three clocks, its timeline and what followed."""
    case_id, number = i + 1, 100_001 + i
    opened = first_contact(i, cases=cases, now=now)
    responded = opened + timedelta(minutes=5 * (1 + i % 12))
    closed = opened + timedelta(minutes=30 * (1 + i % 40))
    code = "withdrawn" if i % 20 == 0 else "resolved"
    group = GROUPS[i % len(GROUPS)]
    moved = i % 10 == 0  # one case in ten was escalated (even tens) or transferred (odd)
    applied = code == "resolved" and i % 5 == 0
    yield (
        Case,
        {
            "id": case_id,
            "number": number,
            "version": 1,
            "state": "closed",
            "summary": f"Benchmark case {number}",
            "description": "",
            "requester_id": f"U0REQ{i % 500:04d}",
            "reporter_id": "U0DESK01",
            "contact_phone": "",
            "contact_email": "",
            "contact_location": "",
            "contact_notes": "",
            "first_contact_at": opened,
            "contact_channel": CHANNELS[i % len(CHANNELS)],
            "service_key": SERVICES[i % len(SERVICES)],
            "service_name": "",
            "support_status": "supported",
            "request_type": TYPES[i % len(TYPES)],
            "category": CATEGORIES[i % len(CATEGORIES)],
            "impact_answers": {"people": "one", "groups": "unknown", "critical": "no"},
            "impact": "minor",
            "urgency": "medium",
            "priority": PRIORITIES[i % len(PRIORITIES)],
            "is_major": False,
            "group_key": group,
            "recent_change": "unknown",
            "closure_code": code,
            "closure": Closure(code=code, kb="applied" if applied else "none", by="U0DESK01"),
            "closed_at": closed,
            "resolved_by": "U0DESK01",
            "first_contact_resolution": code == "resolved" and i % 3 != 0 and not moved,
            "reassignments": int(moved),
            "escalations": int(moved and i % 20 == 0),
            "transfers": int(moved and i % 20 != 0),
            "reopen_count": int(i % 25 == 1),
            "created_at": opened,
            "updated_at": closed,
        },
    )
    for role in ("requester", "coordinator"):
        yield CaseParty, {"case_id": case_id, "user_id": "U0DESK01", "role": role, "since": opened}
    breached = i % 17 == 0
    for k, (metric, started, met) in enumerate(
        (
            ("first_response", opened, responded),
            ("next_update", responded, closed),
            ("resolution", opened, closed if code == "resolved" else None),
        )
    ):
        wall = ((met or closed) - started).total_seconds()
        yield (
            SlaClock,
            {
                "id": 3 * case_id + k,
                "case_id": case_id,
                "metric": metric,
                "calendar": "office-hours",
                "target_seconds": 14400,
                "started_at": started,
                "elapsed_seconds": wall * 0.75,
                "paused_seconds": 0.0,
                "met_at": met,
                "breached_at": closed if breached and metric == "resolution" else None,
            },
        )
    events: list[tuple[str, datetime, str | None, str | None, str | None]] = [
        ("recorded", opened, None, f"CASE-{number}", None),
        ("classified", opened, None, PRIORITIES[i % len(PRIORITIES)], None),
        ("taken", responded, None, "U0DESK01", None),
        ("resolution_proposed", closed, None, "Permanent fix", None),
        ("closed", closed, None, code, "closure_code"),
    ]
    if moved:
        kind = "escalated" if i % 20 == 0 else "transferred"
        events.append((kind, responded, group, GROUPS[(i + 1) % len(GROUPS)], "group"))
    if breached:
        events.append(("sla_breach", closed, None, None, "resolution"))
    if i % 13 == 0:
        events.append(("reclassified", responded, "unknown", "software", "category"))
    for kind, at, old, new, field in events:
        yield (
            CaseEvent,
            {
                "case_id": case_id,
                "at": at,
                "kind": kind,
                "field": field,
                "old_value": old,
                "new_value": new,
                "detail": {},
            },
        )
    if code == "resolved" and i % 3 == 0:
        answers = {"solved": "yes", "speed": "ok", "overall": str(1 + i % 5)} if i % 2 else {}
        yield (
            Survey,
            {
                "case_id": case_id,
                "requester_id": f"U0REQ{i % 500:04d}",
                "request_type": TYPES[i % len(TYPES)],
                "sent_at": closed,
                "answers": answers,
                "answered_at": closed if answers else None,
                "completed_at": closed if answers else None,
            },
        )
    if articles and i % 4 == 0:
        article = articles[i % len(articles)]
        kinds = ["shown", "shown", "opened"] + (["fixed"] if applied else ["not_helped"])
        for kind in kinds:
            yield (
                KbEvent,
                {
                    "article_id": article,
                    "kind": kind,
                    "case_number": number,
                    "actor": "U0DESK01",
                    "at": responded,
                },
            )
        if applied:
            yield (
                KbCaseLink,
                {
                    "case_number": number,
                    "article_id": article,
                    "relation": "applied",
                    "actor": "U0DESK01",
                    "at": closed,
                },
            )
