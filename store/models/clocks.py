"""Time on a case: SLA clocks (SLA-1/2) and the timers that fire at a moment (DESIGN 3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, UtcDateTime

if TYPE_CHECKING:
    from store.models.cases import Case


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
