"""What happened to each article (KB-3) and which cases it was used on (KB-4).

Events are appended: shown, opened, fixed, not_helped, made_worse, sent. Feedback is one answer
per person, case and article: a double click counts once, and a different later answer marks
the earlier one replaced (kept for the record, no longer counted). The live events give the
ranking its small nudge (`boosts`) and the report its lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from store.kb_models import KbArticle, KbCaseLink, KbEvent
from store.models import Case, Closure, Resolution

EVENT_KINDS = ("shown", "opened", "fixed", "not_helped", "made_worse", "sent")
FEEDBACK_KINDS = ("fixed", "not_helped", "made_worse")
RELATIONS = ("applied", "reviewed", "resolved")
# Which case links a use implies: a fix resolved the case, any feedback means it was applied.
LINKS_OF = {
    "fixed": ("applied", "resolved"),
    "not_helped": ("applied",),
    "made_worse": ("applied",),
    "opened": ("reviewed",),
    "sent": ("reviewed",),
}
# Report thresholds: enough evidence before an article is called good or bad.
MIN_FEEDBACK = 3
SELF_HELP_FIXES = 3


@dataclass(frozen=True)
class Usage:
    shown: int = 0
    opened: int = 0
    fixed: int = 0
    not_helped: int = 0
    made_worse: int = 0
    sent: int = 0

    @property
    def feedback(self) -> int:
        return self.fixed + self.not_helped + self.made_worse

    @property
    def boost(self) -> float:
        """-1..1: fixes lift, "made it worse" pulls down twice as hard, with a prior of 4
        neutral answers so one press moves little."""
        raw = (self.fixed - 2 * self.made_worse - 0.25 * self.not_helped) / (self.feedback + 4)
        return max(-1.0, min(1.0, raw))


@dataclass(frozen=True)
class ReportLine:
    article_id: str
    title: str
    usage: Usage
    why: str


@dataclass(frozen=True)
class Report:
    retire: tuple[ReportLine, ...]
    improve: tuple[ReportLine, ...]
    self_help: tuple[ReportLine, ...]
    usage: dict[str, Usage]


@dataclass(frozen=True)
class _LineMaker:
    article_id: str
    title: str
    usage: Usage

    def __call__(self, why: str) -> ReportLine:
        return ReportLine(self.article_id, self.title, self.usage, why)


def _line(row: KbArticle, u: Usage) -> _LineMaker:
    return _LineMaker(row.id, row.title, u)


@dataclass(frozen=True)
class Feedback:
    """What a feedback press did: recorded, and the earlier answer it replaced, if any."""

    added: bool
    replaced: str | None = None
    unresolved: bool = False  # a withdrawn "fixed it" left the case not resolved by the article


def record(
    session: Session,
    article_id: str,
    kind: str,
    *,
    case_number: int | None,
    actor: str,
    now: datetime,
) -> None:
    """Append one event (and the case links it implies)."""
    session.add(
        KbEvent(article_id=article_id, kind=kind, case_number=case_number, actor=actor, at=now)
    )
    if case_number is not None:
        for relation in LINKS_OF.get(kind, ()):
            link(session, case_number, article_id, relation, actor=actor, now=now)


def record_feedback(
    session: Session,
    article_id: str,
    kind: str,
    *,
    case_number: int | None,
    actor: str,
    now: datetime,
) -> Feedback:
    """KB-3: this person's one answer about this article on this case. The same answer again
    changes nothing; a different one replaces theirs, and a "fixed it" withdrawn takes back the
    "resolved" link it made unless someone else's "fixed it" still stands."""
    earlier = session.scalars(
        select(KbEvent).where(
            KbEvent.article_id == article_id,
            KbEvent.kind.in_(FEEDBACK_KINDS),
            KbEvent.case_number == case_number,
            KbEvent.actor == actor,
            KbEvent.replaced_at.is_(None),
        )
    ).first()
    if earlier is not None and earlier.kind == kind:
        return Feedback(added=False)
    replaced, unresolved = None, False
    if earlier is not None:
        earlier.replaced_at, replaced = now, earlier.kind
        session.flush()
        if earlier.kind == "fixed" and case_number is not None:
            unresolved = _unresolve(session, case_number, article_id)
    record(session, article_id, kind, case_number=case_number, actor=actor, now=now)
    return Feedback(added=True, replaced=replaced, unresolved=unresolved)


def _unresolve(session: Session, case_number: int, article_id: str) -> bool:
    """The "resolved" link a "fixed it" made goes when no "fixed it" stands any more. A link
    made otherwise (a close that applied the article, an article written from the case) is
    kept: its author never said "fixed it" here. True when no "resolved" link is left."""
    fixed = select(KbEvent).where(
        KbEvent.article_id == article_id,
        KbEvent.kind == "fixed",
        KbEvent.case_number == case_number,
    )
    answers = list(session.scalars(fixed))
    if any(e.replaced_at is None for e in answers):
        return False
    resolved = (
        KbCaseLink.case_number == case_number,
        KbCaseLink.article_id == article_id,
        KbCaseLink.relation == "resolved",
    )
    session.execute(
        delete(KbCaseLink).where(*resolved, KbCaseLink.actor.in_({e.actor for e in answers}))
    )
    return session.scalar(select(KbCaseLink.id).where(*resolved)) is None


def link(
    session: Session, case_number: int, article_id: str, relation: str, *, actor: str, now: datetime
) -> None:
    """Case <-> article, once per relation."""
    exists = session.scalar(
        select(KbCaseLink.id).where(
            KbCaseLink.case_number == case_number,
            KbCaseLink.article_id == article_id,
            KbCaseLink.relation == relation,
        )
    )
    if exists is None:
        session.add(
            KbCaseLink(
                case_number=case_number,
                article_id=article_id,
                relation=relation,
                actor=actor,
                at=now,
            )
        )
        session.flush()


def usage(session: Session, article_ids: Iterable[str] | None = None) -> dict[str, Usage]:
    """Counts per article, from the event log; a replaced answer no longer counts."""
    query = (
        select(KbEvent.article_id, KbEvent.kind, func.count())
        .where(KbEvent.replaced_at.is_(None))
        .group_by(KbEvent.article_id, KbEvent.kind)
    )
    if article_ids is not None:
        query = query.where(KbEvent.article_id.in_(list(article_ids)))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for article_id, kind, count in session.execute(query):
        counts[article_id][kind] = int(count)
    return {a: Usage(**{k: v for k, v in c.items() if k in EVENT_KINDS}) for a, c in counts.items()}


def report(session: Session, *, today: date) -> Report:
    """Articles to retire, to improve, and to offer as self-help (KB-3)."""
    counts = usage(session)
    retire: list[ReportLine] = []
    improve: list[ReportLine] = []
    self_help: list[ReportLine] = []
    rows = session.scalars(
        select(KbArticle).where(KbArticle.status != "retired").order_by(KbArticle.number)
    )
    for row in rows:
        u = counts.get(row.id, Usage())
        line = _line(row, u)
        if u.made_worse and u.made_worse >= u.fixed:
            retire.append(line(f"made things worse {u.made_worse}×, fixed {u.fixed}×"))
        elif u.feedback >= MIN_FEEDBACK and u.not_helped > u.fixed:
            improve.append(line(f"did not help {u.not_helped}×, fixed {u.fixed}×"))
        elif row.review_on is not None and row.review_on < today:
            improve.append(line(f"review was due {row.review_on.isoformat()}"))
        elif row.status == "published" and u.shown > 0 and u.opened == 0 and u.feedback == 0:
            improve.append(line(f"suggested {u.shown}× but never opened"))
        if (
            row.audience == "user_ready"
            and row.status == "published"
            and u.fixed >= SELF_HELP_FIXES
            and u.made_worse == 0
            and u.fixed >= 2 * u.not_helped
        ):
            self_help.append(line(f"fixed {u.fixed}× with no harm: offer it as self-help"))
    return Report(
        retire=tuple(retire), improve=tuple(improve), self_help=tuple(self_help), usage=counts
    )


def links_of_case(session: Session, case_number: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(KbCaseLink.article_id, KbCaseLink.relation)
        .where(KbCaseLink.case_number == case_number)
        .order_by(KbCaseLink.id)
    )
    return [(str(a), str(r)) for a, r in rows]


def cases_of_article(session: Session, article_id: str, relation: str) -> list[int]:
    rows = session.scalars(
        select(KbCaseLink.case_number)
        .where(KbCaseLink.article_id == article_id, KbCaseLink.relation == relation)
        .order_by(KbCaseLink.case_number)
    )
    return [int(n) for n in rows]


@dataclass(frozen=True)
class ResolvedCase:
    """KB-4: one case an article resolved, and how: applied at its close, "fixed it" or both."""

    number: int
    summary: str
    state: str
    closed_at: datetime | None
    applied_at_close: bool
    fixed_by: tuple[str, ...]


def resolved_cases(session: Session, article_id: str, *, limit: int = 50) -> list[ResolvedCase]:
    """The cases an article resolved, newest first: each case linked to it as "resolved" (a
    close that applied it, or a standing "fixed it"), with who said it fixed it."""
    rows = session.execute(
        select(Case.number, Case.summary, Case.state, Case.closed_at, Case.closure, Case.resolution)
        .join(KbCaseLink, KbCaseLink.case_number == Case.number)
        .where(KbCaseLink.article_id == article_id, KbCaseLink.relation == "resolved")
        .order_by(Case.number.desc())
        .limit(limit)
    ).all()
    fixed: dict[int, list[str]] = defaultdict(list)
    for number, actor in session.execute(
        select(KbEvent.case_number, KbEvent.actor)
        .where(
            KbEvent.article_id == article_id,
            KbEvent.kind == "fixed",
            KbEvent.replaced_at.is_(None),
            KbEvent.case_number.in_([r.number for r in rows]),
        )
        .order_by(KbEvent.id)
    ):
        if number is not None:
            fixed[number].append(str(actor))
    return [
        ResolvedCase(
            number=r.number,
            summary=r.summary,
            state=r.state,
            closed_at=r.closed_at,
            applied_at_close=_applied_at_close(r.closure, r.resolution, article_id),
            fixed_by=tuple(dict.fromkeys(fixed.get(r.number, []))),
        )
        for r in rows
    ]


def _applied_at_close(
    closure: Closure | None, resolution: Resolution | None, article_id: str
) -> bool:
    articles = {a.upper() for a in resolution.articles} if resolution else set()
    return closure is not None and closure.kb == "applied" and article_id.upper() in articles


def totals(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    cases: Select[Any] | None = None,
) -> Usage:
    """KB-3's counts over every article for events in [since, until), the ones a later answer
    replaced left out; with `cases` (a select of case numbers), only events on those cases."""
    query = (
        select(KbEvent.kind, func.count())
        .where(KbEvent.replaced_at.is_(None), KbEvent.at >= since, KbEvent.at < until)
        .group_by(KbEvent.kind)
    )
    if cases is not None:
        query = query.where(KbEvent.case_number.in_(cases))
    counts = {str(kind): int(n) for kind, n in session.execute(query)}
    return Usage(**{k: v for k, v in counts.items() if k in EVENT_KINDS})
