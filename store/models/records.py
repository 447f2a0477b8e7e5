"""The structured JSON columns of a case, read and written as frozen dataclasses.

A case's resolution (CLOSE-1), closure record (CLOSE-3/4) and catalog request (WORK-5) live in
JSON columns. `JsonRecord` turns each into its dataclass on the way out and back into the same
JSON on the way in, so the schema is unchanged. Rows written before these types existed read
as they did: a missing key takes its default, as the dictionary reads did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

AWAITING_APPROVAL = "awaiting_approval"


class Record(Protocol):
    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self: ...


R = TypeVar("R", bound=Record)


class JsonRecord(TypeDecorator[R]):
    """A frozen dataclass in Python, its `to_json()` in a JSON column."""

    impl = JSON
    cache_ok = True
    should_evaluate_none = True  # None is written as JSON null, as the plain JSON column did

    def __init__(self, record: type[R]) -> None:
        super().__init__()
        self.record = record

    def process_bind_param(self, value: R | None, dialect: Dialect) -> dict[str, Any] | None:
        return None if value is None else value.to_json()

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> R | None:
        return None if value is None else self.record.from_json(value)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key) or ())


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _read_moment(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class Resolution:
    """What the resolver says was done (CLOSE-1): what the requester is asked to confirm."""

    done: str
    fix: str  # "fix" or "workaround" (bot.closure.FIX_KINDS)
    articles: tuple[str, ...] = ()  # knowledge-base articles used, linked at close (KB-4)
    made_worse: tuple[str, ...] = ()
    by: str = ""
    at: datetime | None = None

    @property
    def is_workaround(self) -> bool:
        return self.fix == "workaround"

    def to_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "fix": self.fix,
            "articles": list(self.articles),
            "made_worse": list(self.made_worse),
            "by": self.by,
            "at": _moment(self.at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            done=_text(data, "done"),
            fix=_text(data, "fix"),
            articles=_texts(data, "articles"),
            made_worse=_texts(data, "made_worse"),
            by=_text(data, "by"),
            at=_read_moment(data, "at"),
        )


@dataclass(frozen=True, kw_only=True)
class Closure:
    """The close's record (CLOSE-4) and who closed; while a manager must approve the close
    (CLOSE-3) it waits here with `awaiting_approval` set."""

    code: str
    root_cause: str = ""
    fix: str = ""
    kb: str = ""  # bot.closure.KB_USE: "applied", "reviewed" or "none"
    restored: str = ""
    follow_up: str = ""
    duplicate_of: int | None = None  # the original case, for the code "duplicate"
    reason: str = ""  # why it was withdrawn, in the requester's words
    by: str = ""
    awaiting_approval: bool = False
    with_parent: str = ""  # the major incident it closed with (MAJOR-3), e.g. "CASE-1001"

    def answers(self) -> dict[str, Any]:
        """The close form's answers alone (no who, no approval), as timelines record them."""
        return {k: v for k, v in self.to_json().items() if k not in ("by", "status", "with_parent")}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "root_cause": self.root_cause,
            "fix": self.fix,
            "kb": self.kb,
            "restored": self.restored,
            "follow_up": self.follow_up,
            "duplicate_of": self.duplicate_of,
            "reason": self.reason,
            "by": self.by,
        }
        if self.awaiting_approval:
            data["status"] = AWAITING_APPROVAL
        if self.with_parent:
            data["with_parent"] = self.with_parent
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        duplicate_of = data.get("duplicate_of")
        return cls(
            code=_text(data, "code"),
            root_cause=_text(data, "root_cause"),
            fix=_text(data, "fix"),
            kb=_text(data, "kb"),
            restored=_text(data, "restored"),
            follow_up=_text(data, "follow_up"),
            duplicate_of=None if duplicate_of is None else int(duplicate_of),
            reason=_text(data, "reason"),
            by=_text(data, "by"),
            awaiting_approval=data.get("status") == AWAITING_APPROVAL,
            with_parent=_text(data, "with_parent"),
        )


class Approval(StrEnum):
    """A fulfillment's authorisation by a manager (WORK-5), when the catalog item needs one."""

    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True, kw_only=True)
class CatalogRequest:
    """The catalog item a case follows (WORK-5): a fulfillment's met prerequisites and its
    authorisation, or the request for change raised for a new service."""

    item: str
    met: tuple[int, ...] = ()  # prerequisite numbers, from 1, in order
    approval: Approval | None = None  # fulfillment only
    by: str = ""  # the manager who authorised or refused it
    rfc: str = ""  # a change only: "RFC-3"
    kind: str = ""  # a change only: "standard" or "normal"

    @property
    def is_fulfillment(self) -> bool:
        return self.approval is not None

    def to_json(self) -> dict[str, Any]:
        if self.approval is None:
            return {"item": self.item, "rfc": self.rfc, "kind": self.kind}
        data: dict[str, Any] = {
            "item": self.item,
            "met": list(self.met),
            "approval": self.approval.value,
        }
        if self.by:
            data["by"] = self.by
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        approval = data.get("approval")
        return cls(
            item=_text(data, "item"),
            met=tuple(sorted(int(n) for n in data.get("met") or ())),
            approval=None if approval is None else Approval(str(approval)),
            by=_text(data, "by"),
            rfc=_text(data, "rfc"),
            kind=_text(data, "kind"),
        )
