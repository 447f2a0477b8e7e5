"""QUAL-2: the weekly report, one row per report week, claimed once whichever process fires."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UtcDateTime


class WeeklyReport(Base):
    """A report week claimed for posting. `week_start` is unique: a second process (or a second
    timer) that tries to claim the same week fails on the constraint and posts nothing."""

    __tablename__ = "weekly_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    week_end: Mapped[date] = mapped_column(Date, nullable=False)  # exclusive, in the desk's zone
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
