"""BCAST-3's deliveries in the dispatcher's outbox (`bot.dispatcher.External`): an announcement
or a confirmation, prepared from the database in the claiming transaction (the mail's bytes, the
webhook's body), sent outside it, and settled: the subscriber's last delivery status, a growing
wait between attempts, and a subscriber that keeps failing past `pause_after` (or whose address
is refused for good) paused, its waiting notices not sent, and management told once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.dispatcher import Final, Retry
from bot.render.common import when
from bot.subscribers import webhook
from bot.subscribers.fanout import CONFIRM_OPERATION, NOTICE_OPERATION, lane
from bot.subscribers.mails import MailContext, confirmation_mail, notice_mail
from bot.subscribers.relay import Relay
from bot.subscribers.tokens import key_in, sign
from bot.text import escape
from config.policy import Policy
from store.models import (
    OutboxItem,
    OutboxStatus,
    PublicNotice,
    Subscriber,
    SubscriberKind,
    SubscriberState,
)
from store.outbox import add_item

FIRST_RETRY_SECONDS = 15
UNSUBSCRIBE_VALID = timedelta(days=365)


class SubscriberDeliveries:
    """The outbox operations of external subscribers, for the dispatcher."""

    operations = frozenset({NOTICE_OPERATION, CONFIRM_OPERATION})

    def __init__(
        self, *, policy: Policy, clock: Clock, relay: Relay | None, mail: MailContext
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.relay = relay
        self.mail = mail

    # -- preparing and sending ----------------------------------------------------------------
    def prepare(self, session: Session, item: OutboxItem) -> dict[str, Any]:
        """What the call needs; Final when nothing is to be sent (never Retry: a retry is
        decided by the call, outside the claiming transaction)."""
        subscriber = _subscriber(session, item)
        now = self.clock.now()
        if subscriber is None or subscriber.state == SubscriberState.REMOVED:
            raise Final("not sent: the subscriber was removed")
        if item.operation == CONFIRM_OPERATION:
            return self._confirmation(session, subscriber, item, now=now)
        if subscriber.state != SubscriberState.ACTIVE:
            raise Final(f"not sent: the subscriber is {subscriber.state.value}")
        notice = session.get_one(PublicNotice, item.params["notice"])
        if subscriber.kind == SubscriberKind.EMAIL:
            token = sign(
                key_in(session), "unsubscribe", subscriber.id, expires=now + UNSUBSCRIBE_VALID
            )
            message = notice_mail(
                self.mail,
                notice,
                to=subscriber.address,
                services=self._names(subscriber.services),
                unsubscribe_token=token,
                now=now,
                subscriber_id=subscriber.id,
            )
            return {"kind": "email", "message": message}
        entry = next(u for u in notice.incident["updates"] if u["id"] == notice.key)
        return {
            "kind": "webhook",
            "url": subscriber.address,
            "secret": self._secret(subscriber),
            "idempotency_key": notice.key,
            "event": notice.kind,
            "body": webhook.body_of(
                notice.key, notice.kind, entry["at"], notice.text, notice.incident
            ),
        }

    def _confirmation(
        self, session: Session, subscriber: Subscriber, item: OutboxItem, *, now: datetime
    ) -> dict[str, Any]:
        expires = datetime.fromisoformat(item.params["expires"])
        if expires <= now:
            raise Final("not sent: the confirmation link expired before the mail could go")
        token = sign(key_in(session), "confirm", subscriber.id, expires=expires)
        wanted = subscriber.requested_services or subscriber.services
        message = confirmation_mail(
            self.mail,
            to=subscriber.address,
            services=self._names(wanted),
            confirm_token=token,
            expires=expires,
            now=now,
        )
        return {"kind": "email", "message": message}

    def call(self, call: dict[str, Any]) -> None:
        if call["kind"] == "email":
            if self.relay is None:
                raise Retry("SMTP_URL is not set: e-mail cannot be sent")
            self.relay.send(call["message"])
            return
        if call["secret"] is None:
            raise Retry("the webhook's secret is not set (its secret_env in subscribers.yml)")
        webhook.post(
            call["url"],
            call["body"],
            secret=call["secret"],
            idempotency_key=call["idempotency_key"],
            kind=call["event"],
            timestamp=int(self.clock.now().timestamp()),
            timeout=self.policy.subscribers.delivery.webhook_timeout_seconds,
        )

    # -- settling -----------------------------------------------------------------------------
    def retry_delay(self, attempts: int) -> float:
        """15 s, 30 s, 1 min ... up to `longest_retry_wait`."""
        longest = self.policy.subscribers.delivery.longest_retry_wait.total_seconds()
        return float(min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), longest))

    def delivered(self, session: Session, item: OutboxItem, *, now: datetime) -> None:
        subscriber = _subscriber(session, item)
        if subscriber is None:
            return
        subscriber.last_attempt_at = subscriber.last_delivered_at = now
        subscriber.last_error, subscriber.failing_since = None, None

    def retrying(self, session: Session, item: OutboxItem, error: str, *, now: datetime) -> None:
        subscriber = _subscriber(session, item)
        if subscriber is None:
            return
        subscriber.last_attempt_at, subscriber.last_error = now, error
        if subscriber.failing_since is None:
            subscriber.failing_since = now
            return
        failing_for = now - subscriber.failing_since
        if failing_for < self.policy.subscribers.delivery.pause_after:
            return
        if item.operation == CONFIRM_OPERATION:  # nobody to pause: the address never confirmed
            item.status = OutboxStatus.FAILED
        elif subscriber.state == SubscriberState.ACTIVE:
            told = f"failing since {when(subscriber.failing_since)} ({escape(error)})"
            self.pause(session, subscriber, reason=f"failing: {error}", told=told, now=now)

    def failed(self, session: Session, item: OutboxItem, error: str, *, now: datetime) -> None:
        subscriber = _subscriber(session, item)
        if subscriber is None or error.startswith("not sent:"):
            return
        subscriber.last_attempt_at, subscriber.last_error = now, error
        if item.operation == NOTICE_OPERATION and subscriber.state == SubscriberState.ACTIVE:
            reason = f"refused for good: {error}"
            self.pause(session, subscriber, reason=reason, told=escape(reason), now=now)

    def pause(
        self, session: Session, subscriber: Subscriber, *, reason: str, told: str, now: datetime
    ) -> None:
        """Stop trying: the waiting notices are not sent, and management hears it once (this
        is the one move from active to paused). `told` is the reason in Slack's words."""
        subscriber.state, subscriber.paused_at, subscriber.pause_reason = (
            SubscriberState.PAUSED,
            now,
            reason,
        )
        dropped = session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.lane == lane(subscriber.id),
                OutboxItem.status == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.FAILED, last_error="not sent: the subscriber was paused")
            .execution_options(synchronize_session="fetch")
        ).rowcount  # type: ignore[attr-defined]
        add_item(
            session,
            now=now,
            lane="subscribers",
            case_id=None,
            operation="post",
            target=self.policy.management_channel,
            params={"text": _paused_text(subscriber, told, int(dropped))},
        )

    # -- reading ------------------------------------------------------------------------------
    def _names(self, services: list[str]) -> list[str]:
        return [self._name(key) for key in services]

    def _name(self, key: str) -> str:
        service = self.policy.services.get(key)
        return service.name if service is not None else key

    def _secret(self, subscriber: Subscriber) -> str | None:
        """A staff-added webhook's stored secret, or a fixed one's environment variable (None
        when it went missing since the start: the call then waits to be retried)."""
        if subscriber.secret:
            return subscriber.secret
        fixed = self.policy.subscribers.subscribers.get(subscriber.config_key or "")
        return fixed.secret if fixed is not None and fixed.secret else None


def _subscriber(session: Session, item: OutboxItem) -> Subscriber | None:
    return session.get(Subscriber, int(item.target.removeprefix("subscriber:")))


def _paused_text(subscriber: Subscriber, told: str, dropped: int) -> str:
    what = "E-mail subscriber" if subscriber.kind == SubscriberKind.EMAIL else "Webhook"
    unsent = f"{dropped} {'notice was' if dropped == 1 else 'notices were'} not sent; l"
    return (
        f":warning: {what} {escape(subscriber.address)} (subscriber {subscriber.id}) is paused: "
        f"{told}. {unsent if dropped else 'L'}ater notices skip it until it is fixed and "
        f"resumed: `/case subscribers resume {subscriber.id}`."
    )
