"""The store's typed columns: states and roles are Enums in Python and their plain values in the
database (so the schema and existing rows are unchanged), and a value outside them is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from store.models import (
    Case,
    CaseParty,
    CaseState,
    OutboxItem,
    OutboxStatus,
    PartyRole,
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
