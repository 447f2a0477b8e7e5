"""Monitoring alerts (INTAKE-1, INTAKE-4): each notification as received, kept durably before
the sender hears 2xx; one alert group per case (an episode: a group that fires again after its
case closed is a new episode and a new case); each alert of a group by its fingerprint."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, StrEnumType, UtcDateTime


class NotificationStatus(StrEnum):
    """A notification waits to be worked, has been worked, or could not be (the error says)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class AlertNotification(Base):
    """One accepted POST, stored in the transaction that decides its 2xx and worked later by
    the alert worker. Notifications of one group share a `lane` and are worked in order."""

    __tablename__ = "alert_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(60), nullable=False)
    lane: Mapped[str] = mapped_column(String(80), nullable=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # HMAC: the signature, so a replayed signed body is refused (unique)
    signature: Mapped[str | None] = mapped_column(String(80), nullable=True, unique=True)
    status: Mapped[NotificationStatus] = mapped_column(
        StrEnumType(NotificationStatus, 20), nullable=False, default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    worked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_alert_notifications_status_lane", "status", "lane"),)


class AlertGroup(Base):
    """One episode of an alert group (Alertmanager's groupKey, Grafana's group, a generic
    fingerprint) and the case it opened. The unique key makes two workers that see the same
    new group at once record one case."""

    __tablename__ = "alert_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(60), nullable=False)
    group_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    group_key: Mapped[str] = mapped_column(Text, nullable=False)
    episode: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    recurrence_of: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    all_resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint(
            "source", "group_hash", "episode", name="uq_alert_groups_source_group_episode"
        ),
        Index("ix_alert_groups_case_id", "case_id"),
    )


class AlertState(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Alert(Base):
    """One alert of a group, by its fingerprint: what it said last and when it fired and
    resolved."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("alert_groups.id"), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[AlertState] = mapped_column(StrEnumType(AlertState, 20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    labels: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    url: Mapped[str] = mapped_column(Text, nullable=False, default="")
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    __table_args__ = (
        UniqueConstraint("group_id", "fingerprint", name="uq_alerts_group_fingerprint"),
    )
