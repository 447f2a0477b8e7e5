"""The durable record: cases, their timeline and parties, and the outbox of Slack messages.

The schema is owned by Alembic (store/migrations); these models must match it, which a test checks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Counter(Base):
    """Named counters; `case_number` hands out CASE-<n> under a row lock."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


class Case(Base):
    """One Help request (INTAKE-2): who, how to reach them, what is wrong, how it is classified."""

    __tablename__ = "cases"
    # INTAKE-4's look at a service's recent cases and CLASSIFY-2's report read by service.
    __table_args__ = (Index("ix_cases_service_key_created_at", "service_key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(String(30), nullable=False)
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
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closure: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    first_contact_resolution: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    request: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
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

    def active_parties(self, role: str) -> list[str]:
        return [p.user_id for p in self.parties if p.role == role and p.until is None]

    @property
    def coordinator_id(self) -> str:
        """Exactly one coordinator at any moment (a partial unique index guards it)."""
        (coordinator,) = self.active_parties("coordinator")
        return coordinator


class CaseEvent(Base):
    """One line of a case's timeline: who did what, when, why, with old and new values."""

    __tablename__ = "case_events"

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
    role: Mapped[str] = mapped_column(String(20), nullable=False)
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


class Handoff(Base):
    """A warm handoff (ROUTE-3): offered to the next coordinator, who must accept it.

    Until it is accepted the current coordinator stays; at most one is pending per case.
    """

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    from_user: Mapped[str] = mapped_column(String(32), nullable=False)
    to_user: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    requested_by: Mapped[str] = mapped_column(String(32), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    answered_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    __table_args__ = (
        Index(
            "uq_handoffs_one_pending",
            "case_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )


class Consult(Base):
    """A consult without transfer (ROUTE-5): a group's on-call or supervisor paged for help."""

    __tablename__ = "consults"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    group_key: Mapped[str] = mapped_column(String(60), nullable=False)
    via: Mapped[str] = mapped_column(String(20), nullable=False)
    paged_user: Mapped[str] = mapped_column(String(32), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False, default="")
    requested_by: Mapped[str] = mapped_column(String(32), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Survey(Base):
    """QUAL-1: the satisfaction survey sent when a case closes, and its one-tap answers."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    requester_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    request_type: Mapped[str] = mapped_column(String(30), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    answers: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Change(Base):
    """WORK-3: one window of the forward schedule of change on one service."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    # `/change remove`: the window is off the schedule; the row stays for the record.
    removed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    removal_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")

    @property
    def ref(self) -> str:
        return f"CHG-{self.id}"


class Problem(Base):
    """A problem case (CLOSE-5, QUAL-3) opened when a severe case closes: the case's timeline as
    it was at close, a review, preventive actions, and management's approval of the report."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(String(30), nullable=False, default="open")
    owner_id: Mapped[str] = mapped_column(String(32), nullable=False)
    review: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)

    case: Mapped[Case] = relationship()
    actions: Mapped[list[ProblemAction]] = relationship(
        back_populates="problem", order_by="ProblemAction.number", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        return f"PRB-{self.id}"


class ProblemAction(Base):
    """One preventive action of a problem (QUAL-3): who does what by when, and when it was done."""

    __tablename__ = "problem_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    owner_id: Mapped[str] = mapped_column(String(32), nullable=False)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    done_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    done_note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    problem: Mapped[Problem] = relationship(back_populates="actions")

    __table_args__ = (
        UniqueConstraint("problem_id", "number", name="uq_problem_actions_problem_number"),
    )

    @property
    def ref(self) -> str:
        return f"A{self.number}"


class Rfc(Base):
    """WORK-5: a new-service request turned into a request for change, or a standard change the
    desk implements from a catalog template."""

    __tablename__ = "rfcs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    item_key: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    implemented_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    implemented_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @property
    def ref(self) -> str:
        return f"RFC-{self.id}"


class IntakeDraft(Base):
    """An intake held back while the reporter decides about possible duplicates (INTAKE-4),
    or a requester's DM held while they answer "Is this about CASE-n?" (BCAST-4)."""

    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[str] = mapped_column(String(32), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(60), nullable=True)


class ServiceOverride(Base):
    """A lasting approval to work on a service the catalog does not support (CLASSIFY-2)."""

    __tablename__ = "service_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    service_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    approved_by: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)


class OutboxItem(Base):
    """A Slack call caused by a committed change, delivered by the dispatcher (DESIGN 1).

    Items of the same `lane` (one case, usually) are delivered strictly in order.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lane: Mapped[str] = mapped_column(String(60), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    operation: Mapped[str] = mapped_column(String(40), nullable=False)
    target: Mapped[str] = mapped_column(String(80), nullable=False)
    template: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    message_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    slack_channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    slack_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_lane_status", "lane", "status"),
    )


class SlackMessage(Base):
    """Where a keyed message lives in Slack, so later changes edit it in place (ROUTE-2)."""

    __tablename__ = "slack_messages"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    ts: Mapped[str] = mapped_column(String(32), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SeenRequest(Base):
    """Idempotency keys of requests already handled (a retried submission is not recorded twice)."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class SlaClock(Base):
    """One SLA metric of one case (SLA-1/2): its target in business time, what has elapsed,
    pauses, and when it warned, breached or was met.

    Elapsed time is folded into `elapsed_seconds` whenever the clock is recomputed, so a new
    priority or calendar keeps the time already spent.
    """

    __tablename__ = "sla_clocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    metric: Mapped[str] = mapped_column(String(30), nullable=False)
    calendar: Mapped[str] = mapped_column(String(60), nullable=False)
    target_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    elapsed_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    counting_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    paused_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    warn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    breached_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    met_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    case: Mapped[Case] = relationship(back_populates="clocks")

    __table_args__ = (UniqueConstraint("case_id", "metric", name="uq_sla_clocks_case_metric"),)


class Timer(Base):
    """Something that must happen at a time (DESIGN 3): an SLA warning, a reminder, a re-ask.

    The sweep fires due timers once, in the transaction that marks them fired; at most one
    active timer exists per `key`, so rescheduling moves it instead of adding another.
    """

    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        Index(
            "ix_timers_active_due",
            "due_at",
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index(
            "uq_timers_active_key",
            "key",
            unique=True,
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
        Index("ix_timers_case_id", "case_id"),
    )
