"""`/case figures csv`: the desk's record as two CSV files, cases and their timeline events.

RFC 4180 (the csv module: CRLF line ends, fields with commas, quotes or line breaks quoted, quotes
doubled), UTF-8 with a byte-order mark: Excel reads a CSV without one in the machine's legacy code
page (é becomes Ã©), and LibreOffice, Google Sheets, Numbers and Python's `utf-8-sig` all skip it.
Times are the desk's local time as "YYYY-MM-DD HH:MM:SS", which every spreadsheet reads as a date;
the message the files come with names the zone.

Spreadsheet formula injection: a text cell that starts with = + - @ (or a tab or carriage return)
would run as a formula when opened (`=HYPERLINK(...)` in a case summary). Such cells get a leading
apostrophe, which spreadsheets show as text and do not display (OWASP's advice).

Rows are read from SQL in pages of BATCH cases by id, one query a page per file (a case row joins
its coordinator and its three clocks), with every cell but desk times made in SQL (`csv_cells`),
and written as they come.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from bot.figures import WHOLE_DESK, Filters, Scope
from bot.figures.where import case_conditions
from bot.reports.csv_cells import Cells, label, rounded
from bot.sla import METRICS, STOPPED_STATES
from store.models import Case, CaseEvent, CaseParty, PartyRole, SlaClock

BATCH = 2000
BOM = "\ufeff"
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


def write_cases(session: Session, selection: Selection, out: IO[str], zone: str) -> int:
    """The case rows; returns how many."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["case", *CASE_FIELDS, "coordinator_id",
                     *(f"{m}_{f}" for m in METRICS for f in CLOCK_FIELDS)])  # fmt: skip
    cells = Cells(zone)
    cells.add(label("CASE-", Case.number))
    for name in CASE_FIELDS:
        cells.stored(Case.__table__.c[name])
    coordinator = aliased(CaseParty)
    cells.add(coordinator.user_id)
    clocks = {metric: aliased(SlaClock) for metric in METRICS}
    for clock in clocks.values():
        _clock_cells(cells, clock)
    query = (
        select(*cells.columns)
        .select_from(Case)
        .outerjoin(
            coordinator,
            and_(
                coordinator.case_id == Case.id,
                coordinator.role == PartyRole.COORDINATOR,
                coordinator.until.is_(None),  # at most one (uq_case_parties_one_coordinator)
            ),
        )
        .order_by(Case.id)
    )
    for metric, clock in clocks.items():
        query = query.outerjoin(clock, and_(clock.case_id == Case.id, clock.metric == metric))
    count = 0
    for after, upto in _pages(session, selection):
        rows = session.connection().execute(_within(query, selection, after, upto)).all()
        writer.writerows(cells.rows(rows))
        count += len(rows)
    return count


def _clock_cells(cells: Cells, clock: Any) -> None:
    """A clock's seven cells, all empty when it never started (no first response yet)."""
    stopped = type_coerce(Case.state, String()).in_(
        [literal_column(f"'{state}'") for state in STOPPED_STATES]
    )
    cells.add(
        case(
            (clock.id.is_(None), None),
            (clock.met_at.is_not(None),
             case((clock.breached_at.is_not(None), "met late"), else_="met")),
            (clock.breached_at.is_not(None), "breached"),
            (clock.paused_since.is_not(None), "paused"),
            (stopped, "stopped"),
            else_="running",
        )
    )  # fmt: skip
    cells.add(clock.target_seconds)
    cells.add(clock.elapsed_seconds, rounded)
    for moment in (clock.started_at, clock.due_at, clock.met_at, clock.breached_at):
        cells.time(moment)


def write_events(session: Session, selection: Selection, out: IO[str], zone: str) -> int:
    """Every timeline row of the selected cases, case by case, oldest first; returns how many."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["case", *EVENT_FIELDS])
    cells = Cells(zone)
    cells.add(label("CASE-", Case.number))
    for name in ("id", "at", "actor_id", "kind", "field", "old_value", "new_value", "reason",
                 "detail"):  # fmt: skip
        cells.stored(CaseEvent.__table__.c[name])
    query = (
        select(*cells.columns)
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    count = 0
    for after, upto in _pages(session, selection):
        rows = session.connection().execute(_within(query, selection, after, upto)).all()
        writer.writerows(cells.rows(rows))
        count += len(rows)
    return count


def _pages(session: Session, selection: Selection) -> Iterator[tuple[int, int | None]]:
    """The selected cases BATCH at a time, as id bounds: after one id, up to another (None: to
    the end). Keyset pages, no server-side cursor, so it works in PostgreSQL's autocommit reads
    as in SQLite's."""
    after = 0
    while True:
        upto = session.execute(
            select(Case.id)
            .where(selection.where(), Case.id > after)
            .order_by(Case.id)
            .offset(BATCH - 1)
            .limit(1)
        ).scalar()
        yield after, upto
        if upto is None:
            return
        after = upto


def _within(query: Select[Any], selection: Selection, after: int, upto: int | None) -> Select[Any]:
    bounds: list[ColumnElement[bool]] = [Case.id > after]
    if upto is not None:
        bounds.append(Case.id <= upto)
    return query.where(selection.where(), *bounds)
