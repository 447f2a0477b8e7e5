"""The alert queue keeps what it accepted (issue 15): a notification is a row before the 202, a
worker that died holding it loses it only until its lease runs out, and one that cannot be
worked is retried, then kept as failed with its error and its body, with nothing half-written
in the cases."""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.alerts.payloads import parse_data
from bot.clock import Clock
from bot.desk import Desk
from bot.desk.alerts import GIVE_UP_AFTER, LEASE, RETRY_AFTER
from config.policy import Policy
from store import alert_queue
from store.db import Database
from store.group_commit import GroupCommit
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
        assert alert_queue.claim_some(session, [item], now=clock.now(), lease=LEASE) == [item]
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


def test_intake_1_posts_accepted_at_once_share_a_commit_and_each_answer_follows_its_own_row(
    db: Database, policy: Policy
) -> None:
    """Twenty request threads accept at the same moment: every one gets its own id, every row
    is stored with its own body, and each id is answered only once its row is committed."""
    desk = Desk(db=db, policy=policy, clock=Clock())
    start = threading.Barrier(20)

    def one(n: int) -> tuple[int, int]:
        body = {**sample("alertmanager"), "receiver": f"casedesk-{n}"}
        start.wait()
        item = desk.alerts.accept(source="prometheus", lane=f"prometheus:{n}", body=body)
        with db.reading() as session:  # committed before the caller hears its id
            stored = session.get_one(AlertNotification, item)
            assert (stored.body["receiver"], stored.lane) == (f"casedesk-{n}", f"prometheus:{n}")
        return n, item

    with ThreadPoolExecutor(max_workers=20) as pool:
        answered = dict(pool.map(one, range(20)))
    assert len(set(answered.values())) == 20
    assert _count(db, AlertNotification) == 20


def test_intake_1_group_commit_stores_waiting_rows_together_in_order_and_fails_each_caller() -> (
    None
):
    """Rows queued while a commit is under way go in the next one, together and in order; a
    failed commit fails every caller whose row it held (none is answered as stored)."""
    batches: list[list[str]] = []
    inside, release = threading.Event(), threading.Event()

    def store(rows: list[dict[str, Any]]) -> list[int]:
        batches.append([r["name"] for r in rows])
        if rows[0]["name"].startswith("hold"):
            inside.set()
            release.wait(5)
        if any(r["name"] == "bad" for r in rows):
            raise RuntimeError("disk full")
        return [len(batches) * 100 + i for i in range(len(rows))]

    commit = GroupCommit(store)
    results: dict[str, int | str] = {}

    def one(name: str) -> None:
        try:
            results[name] = commit.store({"name": name})
        except RuntimeError as exc:
            results[name] = str(exc)

    def round_of(holder: str, names: tuple[str, ...]) -> None:
        inside.clear()
        release.clear()
        first = threading.Thread(target=one, args=(holder,))
        first.start()
        assert inside.wait(5)
        later = [threading.Thread(target=one, args=(name,)) for name in names]
        for thread in later:
            thread.start()
        while len(commit._queue) < len(names):  # all wait behind the holder's commit
            time.sleep(0.001)
        release.set()
        for thread in [first, *later]:
            thread.join(5)

    round_of("hold-1", ("a", "b", "c"))
    assert batches[0] == ["hold-1"] and sorted(batches[1]) == ["a", "b", "c"]
    assert results["hold-1"] == 100
    assert [results[n] for n in batches[1]] == [200, 201, 202]  # ids follow the rows' order
    round_of("hold-2", ("x", "bad", "y"))
    assert sorted(batches[3]) == ["bad", "x", "y"]
    assert (results["hold-2"], results["x"], results["bad"], results["y"]) == (
        300,
        "disk full",
        "disk full",
        "disk full",
    )


def _accept_body(desk: Desk, body: dict[str, Any]) -> int:
    group = parse_data("alertmanager", body).group_hash
    return desk.alerts.accept(source="prometheus", lane=f"prometheus:{group[:40]}", body=body)


def _with_alert(fingerprint: str) -> dict[str, Any]:
    """The sample group with one more alert firing in it."""
    body = sample("alertmanager")
    extra = {**body["alerts"][0], "fingerprint": fingerprint}
    extra["labels"] = {**extra["labels"], "instance": fingerprint}
    body["alerts"] = [*body["alerts"], extra]
    return body


def test_intake_4_a_storm_of_repeats_behind_one_head_is_settled_in_one_round(
    db: Database, policy: Policy
) -> None:
    """A group's repeats waiting in its lane are settled together with the head, not one per
    round; the run stops at the first notification that brings something new, which is
    worked (with the repeats behind it) in the next round, in order."""
    desk = Desk(db=db, policy=policy, clock=Clock())
    first = _accept(desk)
    assert [(w.notification, w.opened) for w in desk.alerts.work_next()] == [(first, True)]
    repeats = [_accept(desk) for _ in range(4)]
    joined = _accept_body(desk, _with_alert("a1b2c3d4e5f60002"))
    after = [_accept_body(desk, _with_alert("a1b2c3d4e5f60002")) for _ in range(2)]
    round_one = desk.alerts.work_next()
    assert [(w.notification, w.case_number, w.opened, w.changed) for w in round_one] == [
        (item, 1001, False, False) for item in repeats
    ]
    round_two = desk.alerts.work_next()
    assert [(w.notification, w.case_number, w.changed) for w in round_two] == [
        (joined, 1001, True),
        *((item, 1001, False) for item in after),
    ]
    assert desk.alerts.work_next() == []
    with db.reading() as session:
        statuses = set(session.execute(select(AlertNotification.status)).scalars())
    assert statuses == {NotificationStatus.DONE}
    assert _count(db, Case) == 1
