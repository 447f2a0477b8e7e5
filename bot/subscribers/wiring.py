"""BCAST-3 at start: the relay, the mail's sender and links, the bot's own address (which no
webhook may point at), the link-signing key, and the fixed subscribers of subscribers.yml kept in
step with the database. A mistake stops the start with one line that says what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import UserFacingError
from bot.subscribers import registry, tokens
from bot.subscribers.delivery import SubscriberDeliveries
from bot.subscribers.mails import MailContext, default_sender
from bot.subscribers.registry import OwnAddress
from bot.subscribers.relay import Relay
from config.policy import Policy
from config.settings import Settings
from store.db import Database


class SubscribersNotReady(RuntimeError):
    """Start-up cannot go on; the message names the setting or key to fix."""


@dataclass(frozen=True, kw_only=True)
class SubscriberParts:
    deliveries: SubscriberDeliveries
    own: OwnAddress
    can_mail: bool
    page_url: str


def checked(settings: Settings, policy: Policy) -> str:
    """What `python -m bot check` says of subscribers; SubscribersNotReady when e-mail
    subscribers have no relay to go through."""
    fixed = policy.subscribers.subscribers
    fixed_mail = [k for k, s in fixed.items() if s.email]
    if fixed_mail and settings.smtp_url is None:
        raise SubscribersNotReady(
            f"subscribers.yml names e-mail subscribers ({', '.join(fixed_mail)}) but SMTP_URL "
            "is not set. Set SMTP_URL to the mail relay (smtp://user:password@relay:587), or "
            "take them out."
        )
    if settings.smtp_url is None:
        mail = "no e-mail (SMTP_URL unset)"
    else:
        relay = Relay.from_url(settings.smtp_url)
        mail = f"e-mail through {relay.host}:{relay.port}"
    return f"{len(fixed)} fixed subscribers, {mail}"


def start_subscribers(
    settings: Settings, policy: Policy, db: Database, clock: Clock
) -> SubscriberParts:
    page_url = policy.status_page.url.rstrip("/")
    checked(settings, policy)
    public = urlsplit(page_url)
    own = OwnAddress(
        public=(public.hostname or "", public.port or (443 if public.scheme == "https" else 80)),
        port=settings.port,
    )
    tokens.link_key(db, now=clock.now())
    try:
        with db.transaction() as session:
            registry.sync_fixed(session, policy, own, now=clock.now())
    except UserFacingError as exc:
        raise SubscribersNotReady(str(exc)) from None
    mail = MailContext(
        desk_name=policy.desk_name,
        sender=settings.smtp_from or default_sender(policy.desk_name, page_url),
        page_url=page_url,
        zone=ZoneInfo(policy.calendars[policy.default_calendar].timezone),
    )
    relay = Relay.from_url(settings.smtp_url) if settings.smtp_url else None
    return SubscriberParts(
        deliveries=SubscriberDeliveries(policy=policy, clock=clock, relay=relay, mail=mail),
        own=own,
        can_mail=relay is not None,
        page_url=page_url,
    )
