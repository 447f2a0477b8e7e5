"""BCAST-3 for staff (`/case subscribers`): the external subscribers with each one's last
delivery, adding an address or a webhook for some services, removing, and resuming a paused
one. Managers and the command center change the list; the service desk may read it (PERM-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot import permissions
from bot.desk.core import Area, DeskCore
from bot.subscribers import registry
from bot.subscribers.fanout import lane
from bot.subscribers.registry import OwnAddress
from config.settings import DEFAULT_PORT
from store.models import OutboxItem, OutboxStatus, Subscriber, SubscriberState


@dataclass(frozen=True, kw_only=True)
class SubscriberView:
    """One subscriber as staff read it."""

    id: int
    kind: str
    address: str
    services: tuple[str, ...]  # names; empty: every service
    state: str
    source: str
    last_delivered_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    failing_since: datetime | None
    pause_reason: str | None
    waiting: int


@dataclass(frozen=True, kw_only=True)
class Added:
    subscriber: SubscriberView
    secret: str | None  # a new webhook's signing secret, shown once


class SubscribersArea(Area):
    """Staff's side of the subscriber list. `own` and `can_mail` come from the settings."""

    def __init__(self, core: DeskCore) -> None:
        super().__init__(core)
        self.own = OwnAddress(public=None, port=DEFAULT_PORT)
        self.can_mail = False

    def listing(self, *, actor: str) -> list[SubscriberView]:
        permissions.require(
            actor, permissions.may_read_subscribers(self.policy), to="read the subscriber list"
        )
        with self.db.reading() as session:
            rows = session.execute(
                select(OutboxItem.lane, func.count())
                .where(
                    OutboxItem.lane.startswith("subscriber:"),
                    OutboxItem.status == OutboxStatus.PENDING,
                )
                .group_by(OutboxItem.lane)
            )
            waiting = {str(row[0]): int(row[1]) for row in rows}
            return [
                self._view(s, waiting.get(lane(s.id), 0)) for s in registry.all_subscribers(session)
            ]

    def add(self, *, actor: str, kind: str, address: str, services: list[str]) -> Added:
        self._may_manage(actor, "add subscribers")
        with self.db.transaction() as session:
            subscriber, secret = registry.add(
                session,
                self.policy,
                kind=kind,
                address=address,
                services=services,
                actor=actor,
                own=self.own,
                can_mail=self.can_mail,
                now=self.clock.now(),
            )
            return Added(subscriber=self._view(subscriber, 0), secret=secret)

    def remove(self, *, actor: str, ref: str) -> SubscriberView:
        self._may_manage(actor, "remove subscribers")
        with self.db.transaction() as session:
            subscriber = registry.find(session, ref)
            if subscriber.source == "config":
                raise registry.Refused(
                    f"Subscriber {subscriber.id} ({subscriber.address}) is kept in "
                    f"config/subscribers.yml as `{subscriber.config_key}`; take it out there."
                )
            registry.remove_row(session, subscriber, now=self.clock.now())
            return self._view(subscriber, 0)

    def resume(self, *, actor: str, ref: str) -> SubscriberView:
        """A paused subscriber gets the notices from now on (the ones it missed are not sent)."""
        self._may_manage(actor, "resume subscribers")
        with self.db.transaction() as session:
            subscriber = registry.find(session, ref)
            if subscriber.state != SubscriberState.PAUSED:
                raise registry.Refused(
                    f"Subscriber {subscriber.id} is {subscriber.state.value}, not paused."
                )
            subscriber.state = SubscriberState.ACTIVE
            subscriber.paused_at = subscriber.failing_since = None
            subscriber.pause_reason = None
            return self._view(subscriber, 0)

    def _may_manage(self, actor: str, what: str) -> None:
        permissions.require(actor, permissions.may_manage_subscribers(self.policy), to=what)

    def _view(self, subscriber: Subscriber, waiting: int) -> SubscriberView:
        services = self.policy.services
        return SubscriberView(
            id=subscriber.id,
            kind=subscriber.kind.value,
            address=subscriber.address,
            services=tuple(services[k].name if k in services else k for k in subscriber.services),
            state=subscriber.state.value,
            source=subscriber.source,
            last_delivered_at=subscriber.last_delivered_at,
            last_attempt_at=subscriber.last_attempt_at,
            last_error=subscriber.last_error,
            failing_since=subscriber.failing_since,
            pause_reason=subscriber.pause_reason,
            waiting=waiting,
        )
