"""The App Home stays current: a change that alters what someone's Home shows republishes it.

Every change is on the timeline, so the events a transaction recorded say which cases changed
and how. Their audience is everyone the case shows up for: its parties (the old coordinator
stays one), people an event names (a handoff's target, a replaced coordinator), and the members
of a group whose queue the case entered or left, and the managers, whose Home shows the whole
desk. Only people who have a Home (they opened the
tab once) are republished. Each publish is an outbox row in the person's own lane, keyed, so a
later pending publish supersedes an earlier one and one render at delivery shows the latest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.timeline import take_new_events
from config.policy import Policy
from store.models import Case, CaseEvent, SlackMessage
from store.outbox import add_item

OPERATION = "publish_home"
_PUBLISHED = "casedesk.homes_published"
_PERSON = re.compile(r"^[UW][A-Z0-9]{2,}$")
# Timeline entries that never change a Home: notes, messages, reminders, figures, and a
# problem's steps (`problem_*`). A clock's warning and breach do: the Home marks clocks at risk.
QUIET = frozenset(
    {
        "note", "customer_update", "requester_reply", "status_update", "status_update_due",
        "kb_suggested", "kb_sent", "delivery_failed", "case_channel", "channel_archived",
        "estimate", "estimate_missing", "promise_due", "cc_test",
        "cc_test_asked", "cc_test_outcome", "survey_sent", "survey_answer", "verify_reminder",
        "verification_reminded", "handoff_reminder", "handoff_reminded", "consult_followup",
        "information_sent", "parent_update", "prerequisite_met",
    }
)  # fmt: skip
_QUEUE_KINDS = frozenset({"routed", "escalated", "transferred", "returned"})


def home_key(user: str) -> str:
    """The person's Home as a keyed "message": its own outbox lane and supersede key."""
    return f"home:{user}"


def publish(session: Session, *, now: datetime, users: Iterable[str]) -> int:
    """Queue one Home publish per person, once per transaction; returns how many were queued."""
    done: set[str] = session.info.setdefault(_PUBLISHED, set())
    count = 0
    for user in sorted(set(users) - done):
        key = home_key(user)
        add_item(
            session,
            now=now,
            lane=key,
            case_id=None,
            operation=OPERATION,
            target=user,
            message_key=key,
        )
        done.add(user)
        count += 1
    return count


def republish(session: Session, policy: Policy, *, now: datetime) -> int:
    """After the changes of this transaction: republish the Home of everyone they reach."""
    by_case: dict[int, tuple[Case, list[CaseEvent]]] = {}
    for event in take_new_events(session):
        if event.kind not in QUIET and not event.kind.startswith("problem_"):
            by_case.setdefault(id(event.case), (event.case, []))[1].append(event)
    people: set[str] = set()
    for case, events in by_case.values():
        people |= audience(policy, case, events)
    return publish(session, now=now, users=_with_home(session, people))


def audience(policy: Policy, case: Case, events: list[CaseEvent]) -> set[str]:
    """Whose Home shows this case, before or after these changes. A manager's Home shows the
    whole desk (QUAL-2), so every change that is not quiet reaches the managers."""
    people = {p.user_id for p in case.parties if p.until is None} | set(policy.holders("managers"))
    for event in events:
        people |= {v for v in (event.old_value, event.new_value) if v and _PERSON.match(v)}
    groups = {case.group_key} | {e.old_value for e in events if e.kind in _QUEUE_KINDS}
    touched_queue = case.state == "pending" or any(
        e.kind == "state" and "pending" in (e.old_value, e.new_value) for e in events
    )
    if touched_queue:
        for key in groups:
            people |= _queue_watchers(policy, key)
    return people


def _queue_watchers(policy: Policy, key: str | None) -> set[str]:
    """The people whose Home lists this group's queue (as `bot.home.my_groups` decides)."""
    group = policy.groups.get(key or "")
    if group is None:
        return set()
    people = {*group.members, group.supervisor}
    if group.key == policy.command_center_group:
        people |= set(policy.holders("command_center"))
    return {p for p in people if p}


def _with_home(session: Session, people: set[str]) -> list[str]:
    if not people:
        return []
    keys = [home_key(p) for p in people]
    found = session.execute(select(SlackMessage.key).where(SlackMessage.key.in_(keys))).scalars()
    return [key.removeprefix("home:") for key in found]
