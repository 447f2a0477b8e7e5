"""Change: the forward schedule of change (WORK-3) and requests for change (WORK-5)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, StrEnumType, UtcDateTime


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


class RfcState(StrEnum):
    """An RFC goes to change management; a standard change the desk implements itself."""

    SUBMITTED = "submitted"
    TO_IMPLEMENT = "to_implement"
    IMPLEMENTED = "implemented"


class Rfc(Base):
    """WORK-5: a new-service request turned into a request for change, or a standard change the
    desk implements from a catalog template."""

    __tablename__ = "rfcs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    item_key: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[RfcState] = mapped_column(StrEnumType(RfcState, 20), nullable=False)
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    implemented_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    implemented_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @property
    def ref(self) -> str:
        return f"RFC-{self.id}"
