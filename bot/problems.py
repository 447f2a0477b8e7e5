"""Problem cases (CLOSE-5, QUAL-3): closing a severe case opens a problem that keeps the case's
timeline as it was at close and carries the prevention work: a review of what happened, preventive
actions with owners and due dates (reminded by timers until done), and management's approval of
the report. An approved problem closes itself once its last action is done.

Every step is also written on the originating case's timeline, so the case's history tells how
it was prevented from happening again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import notices as n
from bot import permissions, timers
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.timeline import record_event
from bot.timers import Firing
from config.policy import ClosureCode, Policy
from store.models import Case, CaseEvent, Problem, ProblemAction, ProblemState

STATES = {
    "open": "Open: review and preventive actions",
    "awaiting_approval": "Waiting for management's approval",
    "approved": "Approved: preventive actions under way",
    "closed": "Closed: every action done",
}
REVIEW_MAX = 4000
ACTION_MAX = 500
FARTHEST = timedelta(days=366)
REF = re.compile(r"^(?:PRB-)?(\d+)$", re.IGNORECASE)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
IN_DAYS = re.compile(r"^(\d{1,3})\s*d$")
ACTION_USAGE = (
    "Write it as `/problem action PRB-1 @owner <due: 2026-12-15 or 14d> <what will be done>`."
)


class ProblemRefused(UserFacingError):
    """The step is not allowed now or its input is wrong; the message says what to do."""


def card_key(problem: Problem) -> str:
    return f"problem:{problem.id}"


def action_timer_key(action: ProblemAction) -> str:
    return f"problem-action:{action.id}"


def parse_ref(text: str) -> int:
    match = REF.match(text.strip())
    if match is None:
        raise ProblemRefused(f"{text.strip()!r} is not a problem reference. Write it as PRB-12.")
    return int(match.group(1))


def find(session: Session, problem_id: int) -> Problem:
    problem = session.get(Problem, problem_id) if 0 < problem_id < 2**31 else None
    if problem is None:
        raise ProblemRefused(f"There is no PRB-{problem_id}. `/problem list` shows open problems.")
    return problem


def of_case(session: Session, case: Case) -> Problem | None:
    return session.execute(select(Problem).where(Problem.case_id == case.id)).scalar_one_or_none()


# -- CLOSE-5: opened at close -------------------------------------------------------------------
def opens_for(policy: Policy, case: Case, code: ClosureCode) -> bool:
    """A case of a configured priority that closed as fixed (or unconfirmed) needs a problem."""
    return case.priority in policy.problems.priorities and (
        code.resolved or code.code == "no_response"
    )


def open_for(session: Session, policy: Policy, case: Case, *, now: datetime) -> list[Notice]:
    """Open the problem with the case's timeline attached, post its card, tell its owner."""
    if of_case(session, case) is not None:
        return []
    problem = Problem(
        case_id=case.id,
        state=ProblemState.OPEN,
        owner_id=_owner(policy, case),
        review="",
        timeline=[_entry(e) for e in case.events],
        created_at=now,
    )
    session.add(problem)
    session.flush()
    record_event(
        case,
        at=now,
        actor=None,
        kind="problem_opened",
        new=problem.ref,
        detail={"problem": problem.id, "owner": problem.owner_id},
    )
    return [
        card(policy, problem),
        n.post(problem.owner_id, "problem_assigned", problem=problem.id),
    ]


def card(policy: Policy, problem: Problem) -> Notice:
    channel = policy.problems.channel or policy.management_channel
    return n.post(channel, "problem_card", key=card_key(problem), problem=problem.id)


def _owner(policy: Policy, case: Case) -> str:
    """The resolver group's supervisor leads the review; else a manager; else the coordinator."""
    group = policy.groups.get(case.group_key or "")
    if group is not None:
        return group.supervisor
    managers = policy.holders("managers")
    return managers[0] if managers else case.coordinator_id


def _entry(event: CaseEvent) -> dict[str, str | None]:
    """One timeline row as the problem keeps it (a copy: the case may change later)."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "kind": event.kind,
        "field": event.field,
        "old": event.old_value,
        "new": event.new_value,
        "reason": event.reason,
    }


# -- QUAL-3: review, actions, approval --------------------------------------------------------
def _may_work(policy: Policy, problem: Problem) -> list[permissions.Holder]:
    case = problem.case
    return [
        permissions.Holder(
            label=f"the owner of {problem.ref}", users=frozenset({problem.owner_id})
        ),
        permissions.group_members(policy, case.group_key),
        permissions.coordinator(case),
        permissions.role(policy, "managers"),
    ]


def _editable(problem: Problem) -> None:
    if problem.state == "awaiting_approval":
        raise ProblemRefused(
            f"{problem.ref} is waiting for management's approval; a manager can send it back "
            f"(`/problem reject {problem.ref} <reason>`) if it needs to change."
        )
    if problem.state in ("approved", "closed"):
        raise ProblemRefused(f"{problem.ref} is {problem.state}; its report can no longer change.")


def write_review(
    session: Session, policy: Policy, problem: Problem, *, actor: str, text: str, now: datetime
) -> list[Notice]:
    permissions.require(actor, _may_work(policy, problem), to=f"review {problem.ref}")
    _editable(problem)
    text = text.strip()
    if not text:
        raise ProblemRefused(
            f"Write the review: `/problem review {problem.ref} <what happened, why, and what "
            "will stop it happening again>`."
        )
    if len(text) > REVIEW_MAX:
        raise ProblemRefused(f"The review is {len(text):,} characters; keep it to {REVIEW_MAX:,}.")
    problem.review, problem.reviewed_by, problem.reviewed_at = text, actor, now
    _on_case(problem, now=now, actor=actor, kind="problem_reviewed", reason=text)
    return [card(policy, problem)]


def add_action(
    session: Session,
    policy: Policy,
    problem: Problem,
    *,
    actor: str,
    text: str,
    now: datetime,
    zone: str,
) -> list[Notice]:
    """`@owner <due> <what>`: a preventive action, reminded to its owner when it falls due."""
    permissions.require(actor, _may_work(policy, problem), to=f"add actions to {problem.ref}")
    _editable(problem)
    words = text.split()
    if len(words) < 3:
        raise ProblemRefused(f"Something is missing. {ACTION_USAGE}")
    owner = MENTION.match(words[0])
    if owner is None:
        raise ProblemRefused(f"Name the action's owner with an @mention first. {ACTION_USAGE}")
    due = _due(words[1], now=now, zone=zone)
    what = " ".join(words[2:]).strip()
    if len(what) > ACTION_MAX:
        raise ProblemRefused(f"The action is {len(what)} characters; keep it to {ACTION_MAX}.")
    action = ProblemAction(
        problem_id=problem.id,
        number=max((a.number for a in problem.actions), default=0) + 1,
        text=what,
        owner_id=owner.group(1),
        due_at=due,
        created_by=actor,
        created_at=now,
        done_note="",
    )
    problem.actions.append(action)
    session.flush()
    timers.schedule(
        session,
        key=action_timer_key(action),
        kind="problem_action_due",
        due_at=due,
        now=now,
        case=problem.case,
        payload={"action": action.id},
    )
    _on_case(
        problem,
        now=now,
        actor=actor,
        kind="problem_action_added",
        reason=what,
        detail={"action": action.ref, "owner": action.owner_id, "due": due.isoformat()},
    )
    return [
        card(policy, problem),
        n.post(action.owner_id, "problem_action_assigned", problem=problem.id, action=action.id),
    ]


def _due(text: str, *, now: datetime, zone: str) -> datetime:
    """`14d`, or a date (the end of that business day, 17:00 in the desk's time zone)."""
    if days := IN_DAYS.match(text):
        due = now + timedelta(days=int(days.group(1)))
    else:
        try:
            day = datetime.fromisoformat(text).date()
        except ValueError:
            raise ProblemRefused(f"I can't read {text!r} as a due date. {ACTION_USAGE}") from None
        due = datetime.combine(day, time(17, 0), ZoneInfo(zone)).astimezone(UTC)
    if due <= now:
        raise ProblemRefused("That due date has passed; give a date in the future.")
    if due - now > FARTHEST:
        raise ProblemRefused("Give a due date within a year; split longer work into actions.")
    return due


def complete_action(
    session: Session,
    policy: Policy,
    problem: Problem,
    *,
    actor: str,
    number: int,
    note: str,
    now: datetime,
) -> list[Notice]:
    action = next((a for a in problem.actions if a.number == number), None)
    if action is None:
        have = ", ".join(a.ref for a in problem.actions) or "none yet"
        raise ProblemRefused(f"{problem.ref} has no action A{number} (its actions: {have}).")
    permissions.require(
        actor,
        [
            permissions.Holder(
                label=f"the owner of {action.ref}", users=frozenset({action.owner_id})
            ),
            permissions.Holder(
                label=f"the owner of {problem.ref}", users=frozenset({problem.owner_id})
            ),
            permissions.role(policy, "managers"),
        ],
        to=f"mark {action.ref} of {problem.ref} done",
    )
    if action.done_at is not None:
        raise ProblemRefused(f"{action.ref} of {problem.ref} is already done; thank you.")
    action.done_at, action.done_by, action.done_note = now, actor, note.strip()[:ACTION_MAX]
    timers.cancel(session, action_timer_key(action), now=now)
    _on_case(
        problem,
        now=now,
        actor=actor,
        kind="problem_action_done",
        reason=action.text,
        detail={"action": action.ref, "note": action.done_note},
    )
    notices = [card(policy, problem)]
    if actor != problem.owner_id:
        notices.append(
            n.post(problem.owner_id, "problem_action_done", problem=problem.id, action=action.id)
        )
    _close_if_finished(problem, now=now)
    return notices


def submit(
    session: Session, policy: Policy, problem: Problem, *, actor: str, now: datetime
) -> list[Notice]:
    """The report goes to management: it needs a review and at least one preventive action."""
    permissions.require(actor, _may_work(policy, problem), to=f"submit {problem.ref}")
    _editable(problem)
    missing = [
        what
        for what, present in (
            (f"a review (`/problem review {problem.ref} <text>`)", bool(problem.review)),
            (
                f"a preventive action (`/problem action {problem.ref} @owner 14d <what>`)",
                bool(problem.actions),
            ),
        )
        if not present
    ]
    if missing:
        raise ProblemRefused(f"{problem.ref} needs {' and '.join(missing)} before approval.")
    problem.state = ProblemState.AWAITING_APPROVAL
    _on_case(problem, now=now, actor=actor, kind="problem_submitted")
    managers = [m for m in policy.holders("managers") if m != actor]
    return [
        card(policy, problem),
        *(n.post(m, "problem_approval_request", problem=problem.id, by=actor) for m in managers),
    ]


def decide(
    session: Session,
    policy: Policy,
    problem: Problem,
    *,
    actor: str,
    approve: bool,
    reason: str,
    now: datetime,
) -> list[Notice]:
    """Management approves the report, or sends it back with the reason."""
    verb = "approve" if approve else "send back"
    permissions.require(actor, [permissions.role(policy, "managers")], to=f"{verb} {problem.ref}")
    if problem.state != "awaiting_approval":
        raise ProblemRefused(
            f"{problem.ref} is not waiting for approval ({STATES[problem.state].lower()})."
        )
    if approve and actor == problem.reviewed_by:
        others = [m for m in policy.holders("managers") if m != actor]
        who = ", ".join(f"<@{m}>" for m in others) or "another manager"
        raise ProblemRefused(f"You wrote the review of {problem.ref}; ask {who} to approve it.")
    reason = reason.strip()
    if not approve and not reason:
        raise ProblemRefused(f"Say what must change: `/problem reject {problem.ref} <reason>`.")
    if approve:
        problem.state, problem.approved_by, problem.approved_at = ProblemState.APPROVED, actor, now
        _on_case(problem, now=now, actor=actor, kind="problem_approved")
    else:
        problem.state = ProblemState.OPEN
        _on_case(problem, now=now, actor=actor, kind="problem_rejected", reason=reason)
    if approve:
        _close_if_finished(problem, now=now)
    return [
        card(policy, problem),
        n.post(problem.owner_id, "problem_decided", problem=problem.id, by=actor, reason=reason),
    ]


def _close_if_finished(problem: Problem, *, now: datetime) -> None:
    """An approved problem whose every action is done has nothing left to do."""
    if problem.state == "approved" and all(a.done_at is not None for a in problem.actions):
        problem.state, problem.closed_at = ProblemState.CLOSED, now
        _on_case(problem, now=now, actor=None, kind="problem_closed")


def _on_case(
    problem: Problem,
    *,
    now: datetime,
    actor: str | None,
    kind: str,
    reason: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    """Every problem step is on the originating case's timeline too (and bumps its version,
    so two people changing one problem at once are serialised like any case change)."""
    record_event(
        problem.case,
        at=now,
        actor=actor,
        kind=kind,
        new=problem.ref,
        reason=reason,
        detail={"problem": problem.id, **(detail or {})},
    )
    problem.case.updated_at = now


def open_problems(session: Session) -> list[Problem]:
    return list(
        session.execute(
            select(Problem).where(Problem.state != "closed").order_by(Problem.id)
        ).scalars()
    )


# -- the reminder -------------------------------------------------------------------------------
def action_due(f: Firing) -> list[Notice]:
    """A preventive action fell due: its owner is reminded, and again every
    `problems.action_reminder_every` until it is done; overdue ones reach the problem's owner."""
    action = f.session.get(ProblemAction, int(f.timer.payload.get("action", 0)))
    if action is None or action.done_at is not None or action.problem.state == "closed":
        return []
    problem = action.problem
    overdue = f.now - action.due_at >= f.policy.problems.action_reminder_every
    record_event(
        problem.case,
        at=f.now,
        actor=None,
        kind="problem_action_reminded",
        new=problem.ref,
        reason=action.text,
        detail={"problem": problem.id, "action": action.ref, "overdue": overdue},
    )
    timers.schedule(
        f.session,
        key=action_timer_key(action),
        kind="problem_action_due",
        due_at=f.now + f.policy.problems.action_reminder_every,
        now=f.now,
        case=problem.case,
        payload={"action": action.id},
    )
    told = [action.owner_id]
    if overdue and problem.owner_id != action.owner_id:
        told.append(problem.owner_id)
    return [
        n.post(user, "problem_action_due", problem=problem.id, action=action.id, overdue=overdue)
        for user in told
    ]


HANDLERS = {"problem_action_due": action_due}
