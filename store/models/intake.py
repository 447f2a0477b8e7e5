"""What intake holds before a case exists, and lasting support decisions (INTAKE-4, CLASSIFY-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UtcDateTime


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
