"""Who the subscribers are (BCAST-3): the fixed ones of subscribers.yml kept in step at start,
people subscribing themselves on the status page (rate-limited, confirmed by mail before
anything is sent: double opt-in), one-click unsubscribe, and staff adding, removing and resuming.
Every refusal says what was wrong and what to do instead."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.errors import UserFacingError
from bot.subscribers.fanout import CONFIRM_OPERATION, lane
from bot.subscribers.tokens import BadToken, key_in, verify
from config.policy import Policy
from config.subscribers_policy import (
    EMAIL_EXAMPLE,
    WEBHOOK_EXAMPLE,
    email_problem,
    webhook_problem,
)
from store.models import (
    OutboxItem,
    OutboxStatus,
    SubscribeAttempt,
    Subscriber,
    SubscriberKind,
    SubscriberState,
)
from store.outbox import add_item

RATE_WINDOW = timedelta(hours=1)
ATTEMPTS_KEPT = timedelta(days=1)
CLIENT_MAX = 64


class Refused(UserFacingError):
    """A subscribe, confirm or unsubscribe the desk will not do; `status` is the HTTP answer."""

    def __init__(self, message: str, *, status: int = 400, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, kw_only=True)
class OwnAddress:
    """Where the bot itself listens: its public address (host, port) and its PORT on this
    machine. A webhook pointing there would post the desk's notices to itself."""

    public: tuple[str, int] | None
    port: int

    def names(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self.public is not None and (host, port) == (self.public[0].lower(), self.public[1]):
            return True
        return _this_machine(host) and port == self.port


# -- services ---------------------------------------------------------------------------------
def checked_services(policy: Policy, keys: list[str]) -> list[str]:
    """Catalog service keys, each once, in the catalog's order; an unknown one is refused."""
    unknown = sorted({k for k in keys if k not in policy.services})
    if unknown:
        verb = "is not a service" if len(unknown) == 1 else "are not services"
        raise Refused(
            f"{', '.join(unknown)} {verb} of this desk. Choose from: {', '.join(policy.services)}."
        )
    return [key for key in policy.services if key in keys]


def checked_email(address: str) -> str:
    address = address.strip()
    found = email_problem(address)
    if found:
        raise Refused(f"{address!r} is not an e-mail address: {found}. Write {EMAIL_EXAMPLE}.")
    return address.lower()


def checked_webhook(url: str, own: OwnAddress) -> str:
    url = url.strip()
    found = webhook_problem(url)
    if found:
        raise Refused(f"{url!r} is not a webhook URL: {found}. Give {WEBHOOK_EXAMPLE}.")
    if own.names(url):
        raise Refused(
            f"{url} points at this bot itself; its notices would come straight back. Give the "
            "receiving system's own address."
        )
    return url


# -- the fixed subscribers --------------------------------------------------------------------
def sync_fixed(session: Session, policy: Policy, own: OwnAddress, *, now: datetime) -> None:
    """subscribers.yml is the source of the fixed subscribers: new ones start active, changed
    ones follow the file, ones taken out are removed. An address that unsubscribed stays so."""
    rows = {
        s.config_key: s
        for s in session.scalars(select(Subscriber).where(Subscriber.source == "config"))
    }
    for key, fixed in policy.subscribers.subscribers.items():
        kind = SubscriberKind.EMAIL if fixed.email else SubscriberKind.WEBHOOK
        address = fixed.email or fixed.webhook or ""
        if kind == SubscriberKind.WEBHOOK and own.names(address):
            raise UserFacingError(
                f"subscribers.yml: subscribers.{key}.webhook: points at this bot itself "
                f"(found {address!r}). Allowed: the receiving system's own address."
            )
        row = rows.pop(key, None)
        if row is None:
            session.add(
                Subscriber(
                    kind=kind,
                    address=address,
                    services=list(fixed.services),
                    state=SubscriberState.ACTIVE,
                    source="config",
                    config_key=key,
                    secret_env=fixed.secret_env,
                    created_at=now,
                    confirmed_at=now,
                )
            )
            continue
        row.kind, row.address, row.services = kind, address, list(fixed.services)
        row.secret_env = fixed.secret_env
        if row.state == SubscriberState.REMOVED and row.removed_at is None:
            row.state = SubscriberState.ACTIVE  # back in the file
    for gone in rows.values():
        if gone.state != SubscriberState.REMOVED:
            gone.state, gone.removed_at = SubscriberState.REMOVED, None


# -- self-service -----------------------------------------------------------------------------
def subscribe(
    session: Session,
    policy: Policy,
    *,
    address: str,
    services: list[str],
    client: str,
    now: datetime,
    can_mail: bool,
) -> Subscriber:
    """The page's "Get updates": a confirmation mail is queued; nothing else is sent until its
    link is followed. Limited per address and per client, so the form cannot flood a mailbox."""
    rules = policy.subscribers.self_service
    if not rules.enabled:
        raise Refused("This desk does not take subscriptions on its status page.", status=403)
    if not can_mail:
        raise Refused("This desk cannot send e-mail yet (no mail relay is set up).", status=503)
    address = checked_email(address)
    wanted = checked_services(policy, services)
    client = client[:CLIENT_MAX] or "unknown"
    session.execute(delete(SubscribeAttempt).where(SubscribeAttempt.at < now - ATTEMPTS_KEPT))
    _within_limit(
        session,
        SubscribeAttempt.address,
        address,
        rules.per_address_per_hour,
        now,
        f"{address} was sent",
    )
    _within_limit(
        session,
        SubscribeAttempt.client,
        client,
        rules.per_client_per_hour,
        now,
        "this connection asked for",
    )
    session.add(SubscribeAttempt(address=address, client=client, at=now))
    subscriber = session.scalars(
        select(Subscriber)
        .where(
            Subscriber.kind == SubscriberKind.EMAIL,
            Subscriber.address == address,
            Subscriber.source != "config",
        )
        .order_by(Subscriber.id)
        .limit(1)
    ).one_or_none()
    if subscriber is None:
        subscriber = Subscriber(
            kind=SubscriberKind.EMAIL,
            address=address,
            services=[],
            state=SubscriberState.PENDING,
            source="page",
            created_at=now,
        )
        session.add(subscriber)
    elif subscriber.state == SubscriberState.REMOVED:
        subscriber.state, subscriber.removed_at = SubscriberState.PENDING, None
    subscriber.requested_services = wanted
    session.flush()
    add_item(
        session,
        now=now,
        lane=lane(subscriber.id),
        case_id=None,
        operation=CONFIRM_OPERATION,
        target=f"subscriber:{subscriber.id}",
        params={"expires": (now + rules.confirm_within).isoformat()},
    )
    return subscriber


def _within_limit(
    session: Session,
    column: InstrumentedAttribute[str],
    value: str,
    limit: int,
    now: datetime,
    who: str,
) -> None:
    recent = list(
        session.scalars(
            select(SubscribeAttempt.at)
            .where(column == value, SubscribeAttempt.at >= now - RATE_WINDOW)
            .order_by(SubscribeAttempt.at)
        )
    )
    if len(recent) < limit:
        return
    wait = math.ceil((recent[0] + RATE_WINDOW - now).total_seconds())
    raise Refused(
        f"Too many requests: {who} {len(recent)} confirmation "
        f"{'mail' if len(recent) == 1 else 'mails'} in the last hour. Check the inbox (and the "
        f"spam folder) for the link, or try again in {max(wait // 60, 1)} minutes.",
        status=429,
        retry_after=wait,
    )


def confirm(session: Session, token: str, *, now: datetime) -> Subscriber:
    """The double opt-in's link: the address is active from now on, for the services it
    asked for (a second click changes nothing)."""
    subscriber = _by_token(session, token, "confirm", now=now)
    if subscriber.state == SubscriberState.REMOVED:
        raise Refused("This address unsubscribed after asking; subscribe again on the page.")
    if subscriber.requested_services is not None:
        subscriber.services = subscriber.requested_services
        subscriber.requested_services = None
    if subscriber.state == SubscriberState.PENDING:
        subscriber.state, subscriber.confirmed_at = SubscriberState.ACTIVE, now
    return subscriber


def unsubscribe(session: Session, token: str, *, now: datetime) -> Subscriber:
    """One click (RFC 8058): nothing more is sent to this address."""
    subscriber = _by_token(session, token, "unsubscribe", now=now)
    remove_row(session, subscriber, now=now)
    return subscriber


def _by_token(session: Session, token: str, purpose: str, *, now: datetime) -> Subscriber:
    try:
        subscriber_id = verify(key_in(session), token, purpose, now=now)
    except BadToken as exc:
        again = (
            "Subscribe again on the status page."
            if purpose == "confirm"
            else ("Use the link in a newer mail, or ask the service desk to take the address off.")
        )
        raise Refused(f"{exc} {again}", status=400) from None
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise Refused("This link names no subscription of this desk.", status=404)
    return subscriber


# -- staff ------------------------------------------------------------------------------------
def add(
    session: Session,
    policy: Policy,
    *,
    kind: str,
    address: str,
    services: list[str],
    actor: str,
    own: OwnAddress,
    can_mail: bool,
    now: datetime,
) -> tuple[Subscriber, str | None]:
    """A subscriber added by staff is active at once (they vouch for it); a webhook gets a new
    secret, returned once to show its owner."""
    wanted = checked_services(policy, services)
    secret = None
    if kind == "email":
        if not can_mail:
            raise Refused("E-mail cannot be sent: set SMTP_URL to the desk's mail relay first.")
        address, subscriber_kind = checked_email(address), SubscriberKind.EMAIL
    elif kind == "webhook":
        address, subscriber_kind = checked_webhook(address, own), SubscriberKind.WEBHOOK
        secret = secrets.token_hex(32)
    else:
        raise Refused(f"Add an `email` or a `webhook`, not {kind!r}.")
    taken = session.scalars(
        select(Subscriber).where(
            Subscriber.kind == subscriber_kind,
            Subscriber.address == address,
            Subscriber.state != SubscriberState.REMOVED,
        )
    ).first()
    if taken is not None:
        raise Refused(
            f"{address} is already subscriber {taken.id} ({taken.state.value}); remove it first "
            "to add it again with other services."
        )
    subscriber = Subscriber(
        kind=subscriber_kind,
        address=address,
        services=wanted,
        state=SubscriberState.ACTIVE,
        source="staff",
        secret=secret,
        added_by=actor,
        created_at=now,
        confirmed_at=now,
    )
    session.add(subscriber)
    session.flush()
    return subscriber, secret


def find(session: Session, ref: str) -> Subscriber:
    """A subscriber by its number or its address (not one already removed)."""
    ref = ref.strip()
    query = select(Subscriber).where(Subscriber.state != SubscriberState.REMOVED)
    if ref.isdigit():
        query = query.where(Subscriber.id == int(ref))
    else:
        query = query.where(func.lower(Subscriber.address) == ref.lower())
    found = session.scalars(query).first()
    if found is None:
        raise Refused(f"No subscriber {ref!r}. `/case subscribers` lists them with their numbers.")
    return found


def remove_row(session: Session, subscriber: Subscriber, *, now: datetime) -> None:
    """Removed: kept for the record, its waiting notices not sent."""
    subscriber.state, subscriber.removed_at = SubscriberState.REMOVED, now
    session.execute(
        update(OutboxItem)
        .where(OutboxItem.lane == lane(subscriber.id), OutboxItem.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SUPERSEDED, delivered_at=now)
        .execution_options(synchronize_session=False)
    )


def all_subscribers(session: Session) -> list[Subscriber]:
    return list(
        session.scalars(
            select(Subscriber)
            .where(Subscriber.state != SubscriberState.REMOVED)
            .order_by(Subscriber.id)
        )
    )


def _this_machine(host: str) -> bool:
    if host in ("localhost", "0.0.0.0", "::"):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
