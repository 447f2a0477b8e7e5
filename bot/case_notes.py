"""WORK-4 and BCAST-4: what people write about a case.

Internal notes (a command, a message shortcut, a reaction) go on the timeline for the team only.
Customer-facing messages go to the requester by DM in the desk's voice, with the case number, and
the requester's replies come back onto the timeline and into the case channel. Internal notes
never reach the requester (PERM-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import estimates, permissions, waiting
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.timeline import record_event
from config.policy import Policy
from store.models import Case, CaseEvent, SeenRequest

TEXT_MAX = 3000
# What a requester may read of their own case's timeline (PERM-2): the rest is internal.
CUSTOMER_KINDS = frozenset(
    {
        "recorded",
        "state",
        "priority",
        "coordinator",
        "estimate",
        "status_update",
        "customer_update",
        "requester_reply",
        "waiting",
        "kb_sent",
        "linked_contact",
    }
)


def visible_events(case: Case, *, requester_view: bool) -> list[CaseEvent]:
    """The timeline as this reader may see it: all of it for staff, the customer-facing part
    for the requester."""
    events = list(case.events)
    return [e for e in events if e.kind in CUSTOMER_KINDS] if requester_view else events


class NoteRefused(UserFacingError):
    """The note or message was not recorded; the message says why."""


@dataclass(frozen=True, kw_only=True)
class Source:
    """The Slack message a note was taken from (shortcut or reaction)."""

    channel: str
    ts: str
    author: str
    permalink: str = ""


def add_note(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    text: str,
    now: datetime,
    source: Source | None = None,
) -> list[Notice]:
    """An internal note: a troubleshooting step and its result, for the team's eyes only."""
    permissions.require(actor, [permissions.staff(policy)], to=f"add notes to {case.ref}")
    if source is not None and len(text) > TEXT_MAX:  # a long message: its link has the rest
        text = text[: TEXT_MAX - 40].rstrip() + " … (clipped; the message link has it all)"
    text = _checked(case, text, what="note", usage=f"/case note {case.ref} <what you did>")
    if source is not None:
        key = f"note:{source.channel}:{source.ts}"
        if session.get(SeenRequest, key) is not None:
            return []  # the same message pinned twice, or by two people: recorded once
        session.add(SeenRequest(key=key, case_id=case.id, at=now))
    detail = (
        {
            "channel": source.channel,
            "ts": source.ts,
            "author": source.author,
            "permalink": source.permalink,
        }
        if source
        else {}
    )
    record_event(case, at=now, actor=actor, kind="note", reason=text, detail=detail)
    case.updated_at = now
    if case.channel_id:
        return [n.post(CASE_CHANNEL, "case_brief", key=n.brief_key(case))]
    return []


def tell(
    session: Session, policy: Policy, case: Case, *, actor: str, text: str, now: datetime
) -> list[Notice]:
    """BCAST-4: one voice to the customer: the bot, on the desk's behalf, with the case number."""
    permissions.require(
        actor,
        permissions.may_speak_for_desk(policy, case),
        to=f"write to the requester of {case.ref}",
    )
    text = _checked(case, text, what="message", usage=f"/case tell {case.ref} <message>")
    event = record_event(case, at=now, actor=actor, kind="customer_update", new=text)
    session.flush()
    estimates.note_contact(case, now=now)
    case.updated_at = now
    notices = [n.post(case.requester_id, "requester_message", event=event.id)]
    if case.channel_id:
        notices.append(n.post(CASE_CHANNEL, "customer_message_sent", event=event.id))
    return notices


def requester_reply(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    actor: str,
    text: str,
    now: datetime,
    source: Source,
) -> list[Notice]:
    """The requester answered in their DM: on the timeline, and relayed to whoever works it."""
    if actor != case.requester_id:
        raise NoteRefused(f"{case.ref} is not your case.")
    key = f"reply:{source.channel}:{source.ts}"
    if session.get(SeenRequest, key) is not None:
        return []  # Slack retried the event
    session.add(SeenRequest(key=key, case_id=case.id, at=now))
    text = text.strip()[:TEXT_MAX]
    event = record_event(
        case,
        at=now,
        actor=actor,
        kind="requester_reply",
        new=text,
        detail={"channel": source.channel, "ts": source.ts},
    )
    session.flush()
    case.updated_at = now
    relay = CASE_CHANNEL if case.channel_id else case.coordinator_id
    resumed = (
        waiting.end_wait(
            session, policy, case, actor=actor, now=now, reason="the requester answered"
        )
        if case.waiting_on == "requester"
        else []
    )
    return [
        n.post(relay, "requester_replied", event=event.id),
        n.post(case.requester_id, "requester_reply_received"),
        *resumed,
    ]


def _checked(case: Case, text: str, *, what: str, usage: str) -> str:
    text = text.strip()
    if not text:
        raise NoteRefused(f"The {what} is empty. Write it after the case: `{usage}`.")
    if len(text) > TEXT_MAX:
        raise NoteRefused(
            f"The {what} is {len(text):,} characters; keep it to {TEXT_MAX:,} (split it, or "
            "attach the rest as a file in the case channel and note the link)."
        )
    if case.state == "closed":
        raise NoteRefused(f"{case.ref} is closed; its timeline takes no more {what}s.")
    return text
