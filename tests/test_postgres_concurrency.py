"""What concurrent workers must not wait for on PostgreSQL. Case numbers (INTAKE-3: the
requester is told the case's number) come from a sequence, so an intake that has drawn a number
and not yet committed holds up no other intake (an alert storm's new groups open their cases
side by side); a desk's numbers start at case_number_start and carry on across the migration
that introduced the sequence. A claim passes over an outbox item or an alert notification that
another worker is claiming this moment (SKIP LOCKED) instead of queueing behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from bot.clock import Clock
from bot.command_text import fields_from_command
from bot.desk import Desk, Recorded
from config.policy import Policy
from store import alert_queue, outbox
from store.db import Database
from store.migrate import alembic_config
from store.numbers import next_case_number
from tests.conftest import POSTGRES_ADMIN_URL

# SQLite has one writer by design, so a second writer always waits there. test.sh leaves
# postgres_only out of the SQLite pass; run alone without PostgreSQL, these skip.
NEEDS_POSTGRES = pytest.mark.skipif(
    not POSTGRES_ADMIN_URL, reason="PostgreSQL's row locks; the PostgreSQL pass runs it"
)


def _record(desk: Desk, policy: Policy, summary: str) -> int:
    fields = fields_from_command(policy, summary, reporter_id="U0DESK01")
    outcome = desk.intake.record(fields, check_duplicates=False)
    assert isinstance(outcome, Recorded)
    return outcome.case.number


@pytest.mark.postgres_only
@NEEDS_POSTGRES
def test_intake_3_a_number_drawn_in_an_open_transaction_holds_up_no_other_intake(
    db: Database, policy: Policy
) -> None:
    start = policy.case_number_start
    with db.transaction() as first:
        drawn = next_case_number(first, start=start)
        with db.transaction() as second:
            # A counter row locked by `first` until it commits would make this wait, then fail.
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            other = next_case_number(second, start=start)
    assert (drawn, other) == (start, start + 1)


@pytest.mark.postgres_only
@NEEDS_POSTGRES
def test_an_outbox_item_and_a_notification_being_claimed_are_passed_over_not_waited_for(
    db: Database, policy: Policy
) -> None:
    now = datetime.now(UTC)
    with db.transaction() as session:
        item = outbox.add_item(
            session, now=now, lane="case:1", case_id=None, operation="post", target="U0DESK01"
        )
        session.flush()
        item_id = item.id
    notification = Desk(db=db, policy=policy, clock=Clock()).alerts.accept(
        source="prometheus", lane="prometheus:one", body={"receiver": "casedesk"}
    )
    lease = timedelta(seconds=60)
    with db.transaction() as first:
        assert outbox.claim(first, item_id, now=now, lease=lease)
        assert alert_queue.claim_some(first, [notification], now=now, lease=lease) == [notification]
        with db.transaction() as second:
            second.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail here
            assert not outbox.claim(second, item_id, now=now, lease=lease)
            assert alert_queue.claim_some(second, [notification], now=now, lease=lease) == []


def test_intake_3_numbers_carry_on_across_the_sequence_migration(
    desk: Desk, policy: Policy, db: Database
) -> None:
    numbers = [_record(desk, policy, f"Printer {n} jams on floor {n}") for n in (2, 3, 4)]
    config = alembic_config()
    with db.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
        # The version before 0017 draws from the counter row on either database.
        drawn = connection.execute(
            text("UPDATE counters SET value = value + 1 WHERE name = 'case_number' RETURNING value")
        ).scalar_one()
        numbers.append(drawn)
        connection.commit()
        command.upgrade(config, "heads")
        connection.commit()
    numbers.append(_record(desk, policy, "Laptop will not charge"))
    start = policy.case_number_start
    assert numbers == [start, start + 1, start + 2, start + 3, start + 4]
