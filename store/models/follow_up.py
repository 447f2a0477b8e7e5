"""After the close: the satisfaction survey (QUAL-1) and problems with their actions
(CLOSE-5, QUAL-3)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models.base import Base, StrEnumType, UtcDateTime

if TYPE_CHECKING:
    from store.models.cases import Case


class Survey(Base):
    """QUAL-1: the satisfaction survey sent when a case closes, and its one-tap answers."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    requester_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    request_type: Mapped[str] = mapped_column(String(30), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    answers: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ProblemState(StrEnum):
    """A problem's report is written, approved by management, closed once its actions are done."""

    OPEN = "open"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    CLOSED = "closed"


class Problem(Base):
    """A problem case (CLOSE-5, QUAL-3) opened when a severe case closes: the case's timeline as
    it was at close, a review, preventive actions, and management's approval of the report."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    state: Mapped[ProblemState] = mapped_column(
        StrEnumType(ProblemState, 30), nullable=False, default=ProblemState.OPEN
    )
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
