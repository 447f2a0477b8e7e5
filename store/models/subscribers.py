"""External subscribers (BCAST-3): who gets the broadcast channel's notices outside Slack, each
public notice as it was sent, the self-service page's rate-limit record and the key that signs
its links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, StrEnumType, UtcDateTime


class SubscriberKind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class SubscriberState(StrEnum):
    """Pending until a self-service address confirms; paused after a day of failures (or a
    permanent refusal); removed when unsubscribed or taken out (kept for the record)."""

    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class Subscriber(Base):
    """One address or endpoint and the services it follows (none listed: all services)."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SubscriberKind] = mapped_column(StrEnumType(SubscriberKind, 10), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    services: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    requested_services: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    state: Mapped[SubscriberState] = mapped_column(StrEnumType(SubscriberState, 10), nullable=False)
    source: Mapped[str] = mapped_column(String(10), nullable=False)  # config, page, staff
    config_key: Mapped[str | None] = mapped_column(String(60), nullable=True, unique=True)
    secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    secret_env: Mapped[str | None] = mapped_column(String(100), nullable=True)
    added_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    pause_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_subscribers_kind_address", "kind", "address"),)


class PublicNotice(Base):
    """A notice, update or resolution as the broadcast channel got it, frozen when it was sent:
    every subscriber gets these same bytes, and its key is the webhook's idempotency key."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # notice, update, resolution
    text: Mapped[str] = mapped_column(Text, nullable=False)
    incident: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SubscribeAttempt(Base):
    """A self-service subscribe request, kept an hour or so for the per-address and per-client
    rate limits (shared by every process through the database)."""

    __tablename__ = "subscribe_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(320), nullable=False)
    client: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        Index("ix_subscribe_attempts_address_at", "address", "at"),
        Index("ix_subscribe_attempts_client_at", "client", "at"),
    )


class SigningKey(Base):
    """The random key that signs confirm and unsubscribe links, made once per database so every
    process and every restart reads the same one."""

    __tablename__ = "signing_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
