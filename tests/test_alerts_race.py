"""INTAKE-4's dedupe lives in the database: two processes (two engines on one database, as two
gunicorn workers or hosts have) that receive the same new alert group at the same moment record
one case. The unique key on (source, group, episode) decides; the loser finds the winner's case
and treats its notification as a repeat. Runs on SQLite and, in the PostgreSQL pass
(`CASEDESK_TEST_POSTGRES`), on PostgreSQL, where the two transactions really overlap."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.alerts.payloads import parse_data
from bot.clock import Clock
from bot.desk import Desk
from bot.desk.alerts import Worked
from config.policy import Policy
from store.db import Database
from store.migrate import migrate
from store.models import AlertGroup, AlertNotification, Case, NotificationStatus
from tests.alert_http import sample

ROUNDS = 5


@pytest.fixture
def two_desks(database_url: str, policy: Policy) -> Iterator[tuple[Desk, Desk]]:
    first, second = Database(database_url), Database(database_url)
    migrate(first)
    try:
        yield (
            Desk(db=first, policy=policy, clock=Clock()),
            Desk(db=second, policy=policy, clock=Clock()),
        )
    finally:
        first.dispose()
        second.dispose()


def _accept(desk: Desk, n: int) -> int:
    body = sample("alertmanager")
    body["groupKey"] = f'{{}}:{{alertname="Race{n}"}}'
    body["alerts"][0]["labels"]["alertname"] = f"Race{n}"
    group = parse_data("alertmanager", body).group_hash
    return desk.alerts.accept(source="prometheus", lane=f"prometheus:{group[:40]}", body=body)


def _at_once(desks: tuple[Desk, Desk], items: list[int]) -> list[Worked]:
    """Each desk works its notification at the same moment, past the lane's order (as if
    both had claimed it)."""
    start = threading.Barrier(2)
    worked: list[Worked] = []

    def work(desk: Desk, item: int) -> None:
        start.wait()
        worked.append(desk.alerts.work_item(item))

    threads = [
        threading.Thread(target=work, args=(desk, item))
        for desk, item in zip(desks, items, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return worked


def test_intake_4_one_new_group_received_by_two_processes_at_once_is_one_case(
    two_desks: tuple[Desk, Desk],
) -> None:
    first, second = two_desks
    for n in range(ROUNDS):
        worked = _at_once(two_desks, [_accept(first, n), _accept(second, n)])
        assert sorted(w.opened for w in worked) == [False, True]
    with first.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == ROUNDS
        assert session.scalar(select(func.count()).select_from(AlertGroup)) == ROUNDS
        statuses = session.execute(select(AlertNotification.status)).scalars().all()
        assert statuses == [NotificationStatus.DONE] * (2 * ROUNDS)


def test_intake_4_two_workers_claim_each_notification_once(
    two_desks: tuple[Desk, Desk],
) -> None:
    first, second = two_desks
    for n in range(20):
        _accept(first if n % 2 else second, n % 10)
    results: list[list[Worked]] = [[], []]

    def drain(index: int) -> None:
        results[index] = list(two_desks[index].alerts.work_pending())

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    worked = [w.notification for w in results[0] + results[1]]
    assert sorted(worked) == list(range(1, 21))  # each once, by one of the two
    with first.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 10
