"""`/case search <words>`: cases whose summary, description or customer-facing updates hold the
words, typos allowed ("pritner" finds "printer"), best match first.

Two steps, so a desk of 100,000 cases never loads into Python:
1. SQL picks candidates: a case whose text contains a word's first or last three letters (one
   typo seldom touches both ends of a word). Those holding the most whole words, in the summary
   above all, come first, then open cases, then the newest; at most `CANDIDATES`. Staff look
   at the newest `RECENT` cases first, and at all of them only when those hold too few.
2. rapidfuzz scores each candidate's words against the query's (edit-distance likeness), the
   summary counting more than the description and updates. A query word less like any of the
   case's words than `CUTOFF` counts nothing; a case with no word found drops out.
A requester's search covers only their own cases (PERM-2); staff read every case (PERM-1).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, case, func, literal, or_, select, union
from sqlalchemy.orm import Session

from bot.errors import UserFacingError
from bot.vocabulary import OPEN_STATES
from store.models import Case, CaseEvent

CANDIDATES = 400
RECENT = 20_000  # staff search the newest this many cases first
CUTOFF = 72.0  # a word's likeness (0-100) below which it does not count as found
MAX_WORDS = 6
MAX_TEXT = 200
# What a requester was told or told the desk: the words are the event's new value (a message, a
# reply, a status update) or its reason (what a wait needs from them).
CUSTOMER_FACING = ("customer_update", "requester_reply", "status_update", "waiting")
WEIGHTS = {"summary": 1.0, "update": 0.9, "description": 0.85}
FIELD_NAMES = {"summary": "the summary", "update": "an update", "description": "the description"}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One case found, its score (0-100) and where its best word was."""

    number: int
    score: float
    field: str


def words_of(text: str) -> list[str]:
    """The search words: letters and digits, lower case, one- and two-letter words dropped
    unless they are all there is."""
    if len(text) > MAX_TEXT:
        raise UserFacingError(f"Search with a few words (at most {MAX_TEXT} characters).")
    found = [w.lower() for w in _WORD.findall(text)]
    long = [w for w in found if len(w) >= 3]
    words = list(dict.fromkeys(long or found))[:MAX_WORDS]
    if not words:
        raise UserFacingError("Say what to look for: `/case search printer jams` (typos are fine).")
    return words


def fragments(word: str) -> set[str]:
    """The pieces a candidate must contain: the word's ends, or the word if it is short."""
    if len(word) <= 3:
        return {word}
    return {word[:3], word[-3:]}


def candidates(
    session: Session, words: Sequence[str], scope: Sequence[ColumnElement[bool]]
) -> list[int]:
    """The ids of at most CANDIDATES cases worth scoring, the likeliest first. Staff search the
    newest RECENT cases first and all of them only when those hold too few candidates; a
    requester's few cases are found by the requester index and looked at in one pass."""
    if scope:
        return _candidates(session, words, scope)
    newest = session.execute(select(func.max(Case.id))).scalar_one_or_none() or 0
    if newest > RECENT:
        found = _candidates(session, words, [], newer_than=newest - RECENT)
        if len(found) >= CANDIDATES:
            return found
    return _candidates(session, words, [])


def _candidates(
    session: Session,
    words: Sequence[str],
    scope: Sequence[ColumnElement[bool]],
    *,
    newer_than: int = 0,
) -> list[int]:
    has = _contains(session)
    pieces = sorted({piece for word in words for piece in fragments(word)})
    in_case = _any(session, [Case.summary, Case.description], pieces)
    in_update = _any(session, [CaseEvent.new_value, CaseEvent.reason], pieces)
    customer_facing = CaseEvent.kind.in_(CUSTOMER_FACING)
    if scope:  # a requester's few cases (by the requester index), each one looked at
        updated = Case.id.in_(
            select(CaseEvent.case_id).where(
                CaseEvent.case_id == Case.id, customer_facing, in_update
            )
        )
        chosen = [*scope, or_(in_case, updated)]
    else:  # one pass over the cases and one over their updates
        texts = select(Case.id).where(Case.id > newer_than, in_case)
        updates = select(CaseEvent.case_id).where(
            CaseEvent.case_id > newer_than, customer_facing, in_update
        )
        chosen = [Case.id.in_(union(texts, updates))]
    likely: ColumnElement[int] = literal(0)
    for word in words:  # a whole word in the summary, then in the description
        likely = likely + case((has(Case.summary, word), 2), else_=0)
        likely = likely + case((has(Case.description, word), 1), else_=0)
    statement = (
        select(Case.id)
        .where(*chosen)
        .order_by(likely.desc(), Case.state.in_(OPEN_STATES).desc(), Case.id.desc())
        .limit(CANDIDATES)
    )
    return list(session.execute(statement).scalars())


def _any(session: Session, columns: Sequence[Any], pieces: Sequence[str]) -> ColumnElement[bool]:
    """One of the columns holds one of the pieces, ignoring case. SQLite: its own LIKE, which
    ignores ASCII case far cheaper than lower() on both sides. PostgreSQL: one case-blind
    regular expression over the columns joined, one pass per row instead of one ILIKE per
    piece and column (the pieces are letters and digits only)."""
    if session.get_bind().dialect.name == "sqlite":
        return or_(*(column.like(f"%{p}%") for column in columns for p in pieces))
    joined = func.concat_ws(" ", *columns)
    return joined.regexp_match("|".join(pieces), flags="i")


def _contains(session: Session) -> Callable[[Any, str], ColumnElement[bool]]:
    """`text contains piece`, ignoring case: SQLite's LIKE already does (for ASCII), and is
    much cheaper than lower() on both sides; PostgreSQL needs ILIKE."""
    sqlite = session.get_bind().dialect.name == "sqlite"

    def has(column: Any, piece: str) -> ColumnElement[bool]:
        pattern = f"%{piece}%"
        found: ColumnElement[bool] = column.like(pattern) if sqlite else column.ilike(pattern)
        return found

    return has


def rank(session: Session, ids: Sequence[int], words: Sequence[str]) -> list[Hit]:
    """Score the candidates' text against the words; best first, then the newest case."""
    if not ids:
        return []
    texts: dict[int, dict[str, list[str]]] = {}
    numbers: dict[int, int] = {}
    for case_id, number, summary, description in session.execute(
        select(Case.id, Case.number, Case.summary, Case.description).where(Case.id.in_(ids))
    ):
        numbers[case_id] = number
        texts[case_id] = {"summary": _tokens(summary), "description": _tokens(description)}
        texts[case_id]["update"] = []
    for case_id, said, reason in session.execute(
        select(CaseEvent.case_id, CaseEvent.new_value, CaseEvent.reason).where(
            CaseEvent.case_id.in_(ids), CaseEvent.kind.in_(CUSTOMER_FACING)
        )
    ):
        texts[case_id]["update"] += _tokens(f"{said or ''} {reason or ''}")
    hits = [_score(numbers[i], texts[i], words) for i in ids]
    found = [h for h in hits if h is not None]
    return sorted(found, key=lambda h: (-h.score, -h.number))


def _tokens(text: str) -> list[str]:
    return list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))


def _score(number: int, fields: dict[str, list[str]], words: Sequence[str]) -> Hit | None:
    """The mean of each word's best weighted likeness; None when no word is found."""
    total, best_field, best = 0.0, "summary", 0.0
    for word in words:
        word_best = 0.0
        for field, tokens in fields.items():
            likeness = _likeness(word, tokens) * WEIGHTS[field]
            if likeness > word_best:
                word_best = likeness
                if likeness > best:
                    best, best_field = likeness, field
        total += word_best
    if best == 0.0:
        return None
    return Hit(number=number, score=round(total / len(words), 1), field=best_field)


def _likeness(word: str, tokens: list[str]) -> float:
    """100 for the word itself, 95 for a word it begins (`print` finds `printer`), else the
    edit-distance likeness of the closest word, if at least CUTOFF."""
    if word in tokens:
        return 100.0
    if len(word) >= 4 and any(t.startswith(word) for t in tokens):
        return 95.0
    found = process.extractOne(word, tokens, scorer=fuzz.ratio, score_cutoff=CUTOFF)
    return float(found[1]) if found else 0.0
