"""`/case figures csv`: the desk's record as two CSV files, cases and their timeline events.

RFC 4180 (the csv module: CRLF line ends, fields with commas, quotes or line breaks quoted, quotes
doubled), UTF-8 with a byte-order mark: Excel reads a CSV without one in the machine's legacy code
page (é becomes Ã©), and LibreOffice, Google Sheets, Numbers and Python's `utf-8-sig` all skip it.
Times are the desk's local time as "YYYY-MM-DD HH:MM:SS", which every spreadsheet reads as a date;
the message the files come with names the zone.

Spreadsheet formula injection: a text cell that starts with = + - @ (or a tab or carriage return)
would run as a formula when opened (`=HYPERLINK(...)` in a case summary). Such cells get a leading
apostrophe, which spreadsheets show as text and do not display (OWASP's advice).

Rows are read from SQL in pages of BATCH cases (Core rows, never ORM objects), with each page's
clocks, coordinators and timeline events in one query each, and written as they come.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    Integer,
    Select,
    String,
    Text,
    and_,
    cast,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from bot.figures import WHOLE_DESK, Filters, Scope
from bot.figures.where import case_conditions
from bot.sla import METRICS, STOPPED_STATES
from store.models import Case, CaseEvent, CaseParty, JsonRecord, PartyRole, SlaClock, UtcDateTime

BATCH = 2000
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
_SKIPPED = {"id", "number", "version"}  # the case's ref stands for them
CASE_FIELDS = [c.name for c in Case.__table__.columns if c.name not in _SKIPPED]
CLOCK_FIELDS = ("state", "target_seconds", "elapsed_business_seconds", "started_at", "due_at",
                "met_at", "breached_at")  # fmt: skip
EVENT_FIELDS = ("event_id", "at", "actor_id", "kind", "field", "old_value", "new_value", "reason",
                "detail")  # fmt: skip


@dataclass(frozen=True)
class Selection:
    """Which cases: first contacted from `start` (inclusive) to `stop`, in the reader's scope
    and matching the filters (the same conditions as `/case figures`)."""

    start: datetime
    stop: datetime
    scope: Scope = WHOLE_DESK
    filters: Filters = Filters()  # noqa: RUF009 (frozen, never changed)

    def where(self) -> ColumnElement[bool]:
        return and_(
            Case.first_contact_at >= self.start,
            Case.first_contact_at < self.stop,
            *case_conditions(self.scope, self.filters),
        )

    def to_params(self) -> dict[str, Any]:
        """As JSON for the outbox row that delivers the files."""
        return {
            "start": self.start.isoformat(),
            "end": self.stop.isoformat(),
            "groups": list(self.scope.groups) if self.scope.groups is not None else None,
            "filters": {"group": self.filters.group, "service": self.filters.service,
                        "priority": self.filters.priority},
        }  # fmt: skip

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Selection:
        groups = params.get("groups")
        return cls(
            start=datetime.fromisoformat(params["start"]),
            stop=datetime.fromisoformat(params["end"]),
            scope=Scope(groups=tuple(groups) if groups is not None else None),
            filters=Filters(**params.get("filters", {})),
        )


Convert = Callable[[Any], str | int | float]


def local_times(zone: ZoneInfo) -> Convert:
    """Stored times as desk-local cells. A case's times repeat (recorded, first contact, clocks
    started, updated): each is worked out once."""
    return lru_cache(maxsize=65_536)(partial(_time, zone=zone))


def raw_columns(
    columns: Sequence[ColumnElement[Any]], times: Convert
) -> tuple[list[Any], list[Convert]]:
    """The columns as the driver gives them (SQLAlchemy's conversions are most of the cost of
    a large export: JSON decoded only to be encoded again, times parsed twice) and, for each,
    how its value becomes a cell. JSON comes as the text stored, times as stored or as the
    driver's datetime."""
    selected: list[Any] = []
    converters: list[Convert] = []
    for column in columns:
        kind = column.type
        if isinstance(kind, UtcDateTime | DateTime):
            selected.append(type_coerce(column, String()))
            converters.append(times)
        elif isinstance(kind, JSON | JsonRecord):
            selected.append(cast(column, Text()))
            converters.append(_text)
        elif isinstance(kind, Boolean):
            selected.append(column)
            converters.append(_flag)
        elif isinstance(kind, Integer | Float):
            selected.append(column)
            converters.append(_number)
        else:
            selected.append(type_coerce(column, String()))
            converters.append(_text)
    return selected, converters


def _time(value: Any, *, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).isoformat(" ", "seconds")[:19]


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def _flag(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


def _number(value: Any) -> int | float | str:
    return "" if value is None else value


def neutralised(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def clock_state(clock: Any, case_state: str) -> str:
    """met, met late, breached, paused, stopped (the case ended before it was met) or running."""
    if clock.met_at is not None:
        return "met late" if clock.breached_at is not None else "met"
    if clock.breached_at is not None:
        return "breached"
    if clock.paused_since is not None:
        return "paused"
    if case_state in STOPPED_STATES:
        return "stopped"
    return "running"


def write_cases(session: Session, selection: Selection, out: IO[str], zone: str) -> int:
    """The case rows; returns how many."""
    tz = ZoneInfo(zone)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["case", *CASE_FIELDS, "coordinator_id",
                     *(f"{m}_{f}" for m in METRICS for f in CLOCK_FIELDS)])  # fmt: skip
    times = local_times(tz)
    selected, converters = raw_columns([Case.__table__.c[name] for name in CASE_FIELDS], times)
    state = CASE_FIELDS.index("state")
    count = 0
    for batch in _batches(session, select(Case.id, Case.number, *selected), selection):
        ids = [row[0] for row in batch]
        clocks = _clocks(session, ids)
        coordinators = _coordinators(session, ids)
        for row in batch:
            fields = row[2:]
            values = [f"CASE-{row[1]}", *[c(v) for c, v in zip(converters, fields, strict=True)]]
            values.append(coordinators.get(row[0], ""))
            for metric in METRICS:
                values += _clock_cells(clocks.get((row[0], metric)), str(fields[state]), times)
            writer.writerow(values)
            count += 1
    return count


def _clock_cells(clock: Any, case_state: str, times: Convert) -> list[str | int | float]:
    if clock is None:
        return [""] * len(CLOCK_FIELDS)  # this clock never started (no first response yet)
    return [
        clock_state(clock, case_state),
        clock.target_seconds,
        round(clock.elapsed_seconds),
        times(clock.started_at),
        times(clock.due_at),
        times(clock.met_at),
        times(clock.breached_at),
    ]


def write_events(session: Session, selection: Selection, out: IO[str], zone: str) -> int:
    """Every timeline row of the selected cases, case by case, oldest first; returns how many."""
    tz = ZoneInfo(zone)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["case", *EVENT_FIELDS])
    table = CaseEvent.__table__.c
    selected, converters = raw_columns(
        [table[name] for name in ["id", "at", "actor_id", "kind", "field", "old_value",
                                  "new_value", "reason", "detail"]], local_times(tz),
    )  # fmt: skip
    count = 0
    for batch in _batches(session, select(Case.id, Case.number), selection):
        numbers = {row.id: row.number for row in batch}
        rows = session.execute(
            select(CaseEvent.case_id, *selected)
            .where(CaseEvent.case_id.in_(list(numbers)))
            .order_by(CaseEvent.case_id, CaseEvent.id)
        )
        for row in rows:
            cells = [c(v) for c, v in zip(converters, row[1:], strict=True)]
            writer.writerow([f"CASE-{numbers[row[0]]}", *cells])
            count += 1
    return count


def _batches(
    session: Session, query: Select[*tuple[Any, ...]], selection: Selection
) -> Iterator[Sequence[Any]]:
    """The selected cases' rows of `query`, BATCH at a time by case id (keyset pages: no
    server-side cursor, so it works in PostgreSQL's autocommit reads as in SQLite's)."""
    last = 0
    while True:
        batch = session.execute(
            query.where(selection.where(), Case.id > last).order_by(Case.id).limit(BATCH)
        ).all()
        if not batch:
            return
        yield batch
        last = batch[-1].id


def _clocks(session: Session, ids: Iterable[int]) -> dict[tuple[int, str], Any]:
    rows = session.execute(
        select(
            SlaClock.case_id, SlaClock.metric, SlaClock.target_seconds, SlaClock.elapsed_seconds,
            *(type_coerce(c, String()).label(c.name) for c in (
                SlaClock.started_at, SlaClock.due_at, SlaClock.met_at, SlaClock.breached_at,
                SlaClock.paused_since,
            )),
        ).where(SlaClock.case_id.in_(list(ids)))
    )  # fmt: skip
    return {(row.case_id, row.metric): row for row in rows}


def _coordinators(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        select(CaseParty.case_id, CaseParty.user_id).where(
            CaseParty.case_id.in_(list(ids)),
            CaseParty.role == PartyRole.COORDINATOR,
            CaseParty.until.is_(None),
        )
    )
    return {case_id: user_id for case_id, user_id in rows}
