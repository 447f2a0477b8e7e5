"""What came in: "I don't know" answers per classification field and how many were completed
later (INTAKE-6), volume by request type, category, contact channel and priority, and the
open cases by age and group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, String, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.figures.model import OpenByAge, UnknownAnswers, Volume
from bot.vocabulary import OPEN_STATES, UNKNOWN
from config.policy import Policy
from store.models import Case, CaseEvent, UtcDateTime
from store.sql_time import seconds_between

# The plain classification columns, as the reclassification timeline names them.
FIELDS = (
    ("service_key", "Service"),
    ("request_type", "Request type"),
    ("category", "Category"),
    ("urgency", "Urgency"),
    ("recent_change", "Recent change"),
)
AGE_DAYS = (1, 3, 7)
VOLUME = ("request_type", "category", "contact_channel", "priority")


def unknowns(
    session: Session, policy: Policy, cohort: Sequence[ColumnElement[bool]]
) -> tuple[UnknownAnswers, ...]:
    """A field was answered "I don't know" when the case holds it now, or a reclassification
    changed it from "I don't know"; it was completed when it holds a real answer now. The
    reclassifications are read once, folded to one row of flags per case."""
    e = CaseEvent
    old = literal(", ", String) + e.old_value + literal(",", String)
    was: dict[str, ColumnElement[bool]] = {
        name: and_(e.field == name, e.old_value == UNKNOWN) for name, _ in FIELDS
    }
    for q in policy.impact_questions:
        was[f"impact:{q.key}"] = and_(
            e.field == "impact_answers",
            or_(e.old_value == UNKNOWN, old.like(f"%, {q.key}={UNKNOWN},%")),
        )
    flags = (
        select(e.case_id, *(func.max(case((c, 1), else_=0)).label(k) for k, c in was.items()))
        .where(e.kind == "reclassified")
        .group_by(e.case_id)
        .subquery()
    )
    now_unknown: dict[str, ColumnElement[bool]] = {
        name: getattr(Case, name) == UNKNOWN for name, _ in FIELDS
    }
    stated = Case.impact_answers["stated"].as_string()
    for q in policy.impact_questions:
        answer = Case.impact_answers[q.key].as_string()
        now_unknown[f"impact:{q.key}"] = or_(
            answer == UNKNOWN, and_(answer.is_(None), stated.is_(None))
        )
    columns: list[ColumnElement[int]] = []
    for key, unknown in now_unknown.items():
        columns += _answered_completed(unknown, flags.c[key] == 1)
    row = session.execute(
        select(*columns)
        .select_from(Case)
        .outerjoin(flags, flags.c.case_id == Case.id)
        .where(*cohort)
    ).one()
    impact = ((f"impact:{q.key}", f"Impact: {q.label}") for q in policy.impact_questions)
    labels = [*FIELDS, *impact]
    return tuple(
        UnknownAnswers(
            field=key,
            label=label,
            answered=int(row[2 * i] or 0),
            completed=int(row[2 * i + 1] or 0),
        )
        for i, (key, label) in enumerate(labels)
    )


def _answered_completed(
    now_unknown: ColumnElement[bool], changed: ColumnElement[bool]
) -> list[ColumnElement[int]]:
    return [
        func.sum(case((or_(now_unknown, changed), 1), else_=0)),
        func.sum(case((and_(~now_unknown, changed), 1), else_=0)),
    ]


def volume(session: Session, cohort: Sequence[ColumnElement[bool]]) -> tuple[Volume, ...]:
    """The cohort counted by each dimension, largest first (then by name): one GROUP BY over
    the four columns together (a few hundred combinations at most), summed per dimension."""
    columns = [getattr(Case, name) for name in VOLUME]
    rows = session.execute(
        select(*columns, func.count(Case.id)).where(*cohort).group_by(*columns)
    ).all()
    found = []
    for i, name in enumerate(VOLUME):
        counts: dict[str, int] = {}
        for row in rows:
            counts[str(row[i])] = counts.get(str(row[i]), 0) + int(row[-1])
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        found.append(Volume(dimension=name, counts=tuple(ordered)))
    return tuple(found)


def open_by_age(
    session: Session, where: Sequence[ColumnElement[bool]], *, now: datetime
) -> tuple[OpenByAge, ...]:
    """Cases open now, by group, in age buckets since first contact: under 1 day, 1 to 3,
    3 to 7, 7 days or more (a bucket holds its lower bound)."""
    age = seconds_between(Case.first_contact_at, literal(now, UtcDateTime()))
    bounds = [timedelta(days=d).total_seconds() for d in AGE_DAYS]
    buckets = [
        func.sum(case((age < bounds[0], 1), else_=0)),
        func.sum(case((and_(age >= bounds[0], age < bounds[1]), 1), else_=0)),
        func.sum(case((and_(age >= bounds[1], age < bounds[2]), 1), else_=0)),
        func.sum(case((age >= bounds[2], 1), else_=0)),
    ]
    rows = session.execute(
        select(Case.group_key, *buckets)
        .where(Case.state.in_(OPEN_STATES), *where)
        .group_by(Case.group_key)
        .order_by(Case.group_key)
    ).all()
    return tuple(
        OpenByAge(
            group=r[0],
            under_1d=int(r[1] or 0),
            d1_to_3=int(r[2] or 0),
            d3_to_7=int(r[3] or 0),
            over_7d=int(r[4] or 0),
        )
        for r in rows
    )
