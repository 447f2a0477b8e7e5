"""Cases, their parties and timeline, and the counter that numbers them (INTAKE-2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, StrEnumType, UtcDateTime
from store.models.records import CatalogRequest, Closure, JsonRecord, Resolution

if TYPE_CHECKING:
    from store.models.clocks import SlaClock


class CaseState(StrEnum):
    """Where a case stands in its life cycle (PROCESS.md States); bot.vocabulary has the moves."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    WAITING_ON_COORDINATOR = "waiting_on_coordinator"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class PartyRole(StrEnum):
    """How a person stands on a case."""

    REQUESTER = "requester"
    REPORTER = "reporter"
    COORDINATOR = "coordinator"
    INTERESTED = "interested"


class Validation(StrEnum):
    """INTAKE-5: where an automated contact's data stands. A case a person recorded has none."""

    NEEDED = "needed"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class Counter(Base):
    """Named counters; on SQLite `case_number` hands out CASE-<n> under the writer lock
    (PostgreSQL uses the `case_numbers` sequence, store/numbers.py)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class Case(Base):
    """One Help request (INTAKE-2): who, how to reach them, what is wrong, how it is classified."""

    __tablename__ = "cases"
    # INTAKE-4's look at a service's recent cases and CLASSIFY-2's report read by service;
    # QUAL-2's figures read the cases first contacted or closed in a period, and the open ones.
    __table_args__ = (
        Index("ix_cases_service_key_created_at", "service_key", "created_at"),
        Index("ix_cases_first_contact_at", "first_contact_at"),
        Index("ix_cases_closed_at", "closed_at"),
        Index("ix_cases_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[CaseState] = mapped_column(StrEnumType(CaseState, 30), nullable=False)
    summary: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    requester_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    reporter_id: Mapped[str] = mapped_column(String(32), nullable=False)
    contact_phone: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    first_contact_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    contact_channel: Mapped[str] = mapped_column(String(30), nullable=False)
    service_key: Mapped[str] = mapped_column(String(60), nullable=False)
    service_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    support_status: Mapped[str] = mapped_column(String(30), nullable=False)
    request_type: Mapped[str] = mapped_column(String(30), nullable=False)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    impact_answers: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    impact: Mapped[str] = mapped_column(String(30), nullable=False)
    urgency: Mapped[str] = mapped_column(String(30), nullable=False)
    priority: Mapped[str] = mapped_column(String(10), nullable=False)
    is_major: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    group_key: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    failure_looks_like: Mapped[str] = mapped_column(Text, nullable=False, default="")
    success_looks_like: Mapped[str] = mapped_column(Text, nullable=False, default="")
    steps_to_reproduce: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recent_change: Mapped[str] = mapped_column(String(30), nullable=False)
    recent_change_details: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source_permalink: Mapped[str | None] = mapped_column(String(500), nullable=True)
    closure_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    waiting_on: Mapped[str | None] = mapped_column(String(30), nullable=True)
    estimate_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    estimate_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    estimate_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reassignments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    escalations: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    transfers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    resolution: Mapped[Resolution | None] = mapped_column(JsonRecord(Resolution), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closure: Mapped[Closure | None] = mapped_column(JsonRecord(Closure), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    first_contact_resolution: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    request: Mapped[CatalogRequest | None] = mapped_column(
        JsonRecord(CatalogRequest), nullable=True
    )
    # INTAKE-5: flagged at intake for automated contact channels; a person's Confirm or a
    # correction of the classification clears it (who, when and how stay for the figures).
    validation: Mapped[Validation | None] = mapped_column(
        StrEnumType(Validation, 20), nullable=True, index=True
    )
    validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    validated_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", order_by="CaseParty.id", cascade="all, delete-orphan"
    )
    clocks: Mapped[list[SlaClock]] = relationship(
        back_populates="case", order_by="SlaClock.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)

    @property
    def ref(self) -> str:
        return f"CASE-{self.number}"

    @property
    def needs_validation(self) -> bool:
        """INTAKE-5: an automated contact nobody has confirmed or corrected yet."""
        return self.validation == Validation.NEEDED

    def active_parties(self, role: PartyRole) -> list[str]:
        return [p.user_id for p in self.parties if p.role == role and p.until is None]

    @property
    def coordinator_id(self) -> str:
        """Exactly one coordinator at any moment (a partial unique index guards it)."""
        (coordinator,) = self.active_parties(PartyRole.COORDINATOR)
        return coordinator


class CaseEvent(Base):
    """One line of a case's timeline: who did what, when, why, with old and new values."""

    __tablename__ = "case_events"
    # QUAL-2: breaches, reclassifications and moves are read by kind, then joined by case.
    __table_args__ = (Index("ix_case_events_kind_case_id", "kind", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    field: Mapped[str | None] = mapped_column(String(60), nullable=True)
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseParty(Base):
    """Who stands where on a case: requester, reporter, coordinator, interested party."""

    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    user_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    role: Mapped[PartyRole] = mapped_column(StrEnumType(PartyRole, 20), nullable=False)
    since: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    case: Mapped[Case] = relationship(back_populates="parties")

    __table_args__ = (
        Index(
            "uq_case_parties_one_coordinator",
            "case_id",
            unique=True,
            sqlite_where=text("role = 'coordinator' AND until IS NULL"),
            postgresql_where=text("role = 'coordinator' AND until IS NULL"),
        ),
        Index("ix_case_parties_case_id_role", "case_id", "role"),
    )
