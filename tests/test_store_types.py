"""The store's typed columns: states and roles are Enums in Python and their plain values in the
database (so the schema and existing rows are unchanged), and a value outside them is refused; a
case's resolution, closure and catalog request are dataclasses written as the same JSON as before,
and rows written before still read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import JSON, Integer, column, select, table, text, update
from sqlalchemy.exc import StatementError

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.models import (
    Approval,
    Case,
    CaseParty,
    CaseState,
    CatalogRequest,
    Closure,
    OutboxItem,
    OutboxStatus,
    PartyRole,
    Resolution,
)

PRINTER = "/case new Printer on floor 2 jams service=printers urgency=medium for=@alex"


def test_states_and_roles_are_stored_as_their_plain_values(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    with world.runtime.db.transaction() as session:
        raw_state = session.execute(text("SELECT state FROM cases")).scalar_one()
        raw_roles = session.execute(text("SELECT role FROM case_parties ORDER BY id")).scalars()
        assert (raw_state, list(raw_roles)) == ("pending", ["requester", "reporter", "coordinator"])
        case = session.execute(select(Case)).scalar_one()
        assert case.state is CaseState.PENDING and case.state == "pending"
        assert [p.role for p in case.parties] == [
            PartyRole.REQUESTER,
            PartyRole.REPORTER,
            PartyRole.COORDINATOR,
        ]
        assert all(type(p.role) is PartyRole for p in case.parties)
        statuses = session.execute(select(OutboxItem.status)).scalars().all()
        assert statuses and all(type(s) is OutboxStatus for s in statuses)


def test_a_string_state_is_checked_on_the_way_in(world: World, dana: Driver) -> None:
    dana.command(PRINTER)
    with world.runtime.db.transaction() as session:  # a plain string of a known state is fine
        session.execute(select(Case)).scalar_one().state = "assigned"  # type: ignore[assignment]
    with world.runtime.db.transaction() as session:
        assert session.execute(select(Case.state)).scalar_one() is CaseState.ASSIGNED
    with pytest.raises(StatementError, match="'bogus' is not a valid CaseState"):  # noqa: SIM117
        with world.runtime.db.transaction() as session:
            session.execute(select(Case)).scalar_one().state = "bogus"  # type: ignore[assignment]
    with world.runtime.db.transaction() as session:
        assert session.execute(text("SELECT state FROM cases")).scalar_one() == "assigned"
        party = session.execute(select(CaseParty).order_by(CaseParty.id)).scalars().first()
        assert party is not None and party.role is PartyRole.REQUESTER


# -- the JSON columns as typed records ----------------------------------------------------------
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RAW = table(
    "cases",
    column("number", Integer),
    column("resolution", JSON),
    column("closure", JSON),
    column("request", JSON),
)
RESOLUTION = Resolution(
    done="Replaced the fuser",
    fix="workaround",
    articles=("KB-3",),
    made_worse=("KB-9",),
    by="U1",
    at=AT,
)
CLOSURE = Closure(
    code="resolved",
    root_cause="Hardware failure",
    fix="fix",
    kb="applied",
    restored="follow_up",
    follow_up="CHG-1",
    by="U2",
    awaiting_approval=True,
    with_parent="CASE-1000",
)
FULFILLMENT = CatalogRequest(item="laptop", met=(1, 3), approval=Approval.APPROVED, by="U3")
CHANGE = CatalogRequest(item="new-vpn", rfc="RFC-2", kind="normal")


def _raw(world: World) -> tuple[object, object, object]:
    with world.runtime.db.transaction() as session:
        row = session.execute(select(RAW.c.resolution, RAW.c.closure, RAW.c.request)).one()
        return row.resolution, row.closure, row.request


def _typed(world: World) -> tuple[Resolution | None, Closure | None, CatalogRequest | None]:
    with world.runtime.db.transaction() as session:
        case = session.execute(select(Case)).scalar_one()
        return case.resolution, case.closure, case.request


@pytest.mark.parametrize("request_record", [FULFILLMENT, CHANGE], ids=["fulfillment", "change"])
def test_each_json_record_round_trips_in_todays_shape(
    world: World, dana: Driver, request_record: CatalogRequest
) -> None:
    dana.command(PRINTER)
    with world.runtime.db.transaction() as session:
        case = session.execute(select(Case)).scalar_one()
        case.resolution, case.closure, case.request = RESOLUTION, CLOSURE, request_record
    assert _typed(world) == (RESOLUTION, CLOSURE, request_record)
    resolution, closure, request = _raw(world)  # the keys the dictionaries had before
    assert resolution == {
        "done": "Replaced the fuser",
        "fix": "workaround",
        "articles": ["KB-3"],
        "made_worse": ["KB-9"],
        "by": "U1",
        "at": "2026-03-02T09:30:00+00:00",
    }
    assert closure == {
        "code": "resolved",
        "root_cause": "Hardware failure",
        "fix": "fix",
        "kb": "applied",
        "restored": "follow_up",
        "follow_up": "CHG-1",
        "duplicate_of": None,
        "reason": "",
        "by": "U2",
        "status": "awaiting_approval",
        "with_parent": "CASE-1000",
    }
    assert request == (
        {"item": "laptop", "met": [1, 3], "approval": "approved", "by": "U3"}
        if request_record is FULFILLMENT
        else {"item": "new-vpn", "rfc": "RFC-2", "kind": "normal"}
    )
    with world.runtime.db.transaction() as session:  # CLOSE-3's reject empties it: JSON null
        session.execute(select(Case)).scalar_one().closure = None
    with world.runtime.db.transaction() as session:
        assert not session.execute(text("SELECT closure IS NULL FROM cases")).scalar_one()
    assert _typed(world)[1] is None


def test_old_shaped_rows_still_read(world: World, dana: Driver) -> None:
    """Rows written before a key existed (or by the dictionary code) read with defaults."""
    dana.command(PRINTER)
    with world.runtime.db.transaction() as session:
        session.execute(
            update(RAW).values(
                resolution={"done": "Rebooted", "fix": "fix", "at": "2026-03-02T09:30:00"},
                closure={"code": "duplicate", "duplicate_of": "1001", "by": "U2"},
                request={"item": "laptop", "met": [3, 1], "approval": "pending"},
            )
        )
    assert _typed(world) == (
        Resolution(done="Rebooted", fix="fix", at=AT),
        Closure(code="duplicate", duplicate_of=1001, by="U2"),
        CatalogRequest(item="laptop", met=(1, 3), approval=Approval.PENDING),
    )
    with world.runtime.db.transaction() as session:  # JSON null, as `case.closure = None` wrote
        session.execute(update(RAW).values(resolution=None, closure=None, request=None))
    assert _typed(world) == (None, None, None)


def test_a_closure_awaiting_approval_is_read_from_its_status() -> None:
    waiting = Closure.from_json({"code": "resolved", "status": "awaiting_approval"})
    assert (
        waiting.awaiting_approval and not Closure.from_json({"code": "resolved"}).awaiting_approval
    )
    assert CLOSURE.answers() == {
        "code": "resolved",
        "root_cause": "Hardware failure",
        "fix": "fix",
        "kb": "applied",
        "restored": "follow_up",
        "follow_up": "CHG-1",
        "duplicate_of": None,
        "reason": "",
    }
