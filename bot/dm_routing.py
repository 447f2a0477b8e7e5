"""BCAST-4: which open case a requester's direct message is about.

A message is filed on a case without asking when it cannot be about anything else: a reply in
the thread of the case's message, a message that names the case, a message the desk is waiting
for (the case waits on the requester, "Is it working now?" is unanswered, or the desk wrote to
them since they last wrote), or a file with no words. With one open case and none of these, the
requester is asked "Is this about CASE-n?", because a new problem filed silently on an old case
is lost to the desk.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from bot.intake_fields import SUMMARY_MAX, IntakeFields
from bot.text import clip
from store.models import Case

QUESTION_CHANNEL = "self_service"  # "No, it's something new" records through the self-service form


def awaits_answer(case: Case) -> bool:
    """The desk asked this requester something and has not had the answer yet."""
    if case.waiting_on == "requester":
        return True
    if case.state == "resolved" and case.verified_at is None:
        return True
    kinds = [e.kind for e in case.events]
    told = max((i for i, kind in enumerate(kinds) if kind == "customer_update"), default=-1)
    replied = max((i for i, kind in enumerate(kinds) if kind == "requester_reply"), default=-1)
    return told > replied


def held_words(user: str, text: str, *, channel: str, ts: str) -> dict[str, Any]:
    """The DM kept while the requester answers the question (an intake draft's fields), so
    "No, it's something new" can prefill the form with their words."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    words = IntakeFields(
        summary=clip(first, SUMMARY_MAX),
        description=text.strip(),
        requester_id=user,
        reporter_id=user,
        contact_channel=QUESTION_CHANNEL,
        source_channel=channel,
        source_ts=ts,
    )
    return {f.name: getattr(words, f.name) for f in dataclass_fields(words)}
