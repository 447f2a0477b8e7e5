"""The alert queue keeps what it accepted (issue 15): a notification is a row before the 202, a
worker that died holding it loses it only until its lease runs out, and one that cannot be
worked is retried, then kept as failed with its error and its body, with nothing half-written
in the cases."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import func, select

from bot.alerts.payloads import parse_data
from bot.clock import Clock
from bot.desk import Desk
from bot.desk.alerts import GIVE_UP_AFTER, LEASE, RETRY_AFTER
from config.policy import Policy
from store import alert_queue
from store.db import Database
from store.models import AlertGroup, AlertNotification, Case, NotificationStatus
from tests.alert_http import sample


def _accept(desk: Desk) -> int:
    body = sample("alertmanager")
    group = parse_data("alertmanager", body).group_hash
    return desk.alerts.accept(source="prometheus", lane=f"prometheus:{group[:40]}", body=body)


def _count(db: Database, model: type) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_intake_1_a_worker_that_died_holding_a_notification_loses_it_only_for_its_lease(
    db: Database, policy: Policy
) -> None:
    clock = Clock()
    desk = Desk(db=db, policy=policy, clock=clock)
    item = _accept(desk)
    with db.transaction() as session:  # a worker claims it, then its process dies
        assert alert_queue.claim(session, item, now=clock.now(), lease=LEASE)
    assert desk.alerts.work_pending() == []  # leased: nobody else takes it
    clock.advance(LEASE + timedelta(seconds=1))
    (worked,) = desk.alerts.work_pending()
    assert (worked.notification, worked.case_number, worked.opened) == (item, 1001, True)
    assert _count(db, Case) == 1


def test_intake_1_a_notification_that_cannot_be_worked_is_retried_then_kept_as_failed(
    db: Database, policy: Policy
) -> None:
    clock = Clock()
    _accept(Desk(db=db, policy=policy, clock=clock))
    assert policy.alerts is not None
    without = policy.alerts.model_copy(
        update={"sources": {k: v for k, v in policy.alerts.sources.items() if k != "prometheus"}}
    )
    desk = Desk(db=db, policy=dataclasses.replace(policy, alerts=without), clock=clock)
    for _ in range(GIVE_UP_AFTER):
        desk.alerts.work_pending()
        clock.advance(RETRY_AFTER + timedelta(seconds=1))
    assert desk.alerts.work_pending() == []
    with db.reading() as session:
        item = session.execute(select(AlertNotification)).scalar_one()
        assert (item.status, item.attempts, item.error) == (
            NotificationStatus.FAILED,
            GIVE_UP_AFTER,
            "UserFacingError: source 'prometheus' is no longer in alerts.yml",
        )
        assert item.body == sample("alertmanager")  # kept for a person to read
    assert (_count(db, Case), _count(db, AlertGroup)) == (0, 0)
