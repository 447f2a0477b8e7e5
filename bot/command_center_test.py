"""ROUTE-6: "can the command center resolve this here?", asked when the center takes a major case.

Three questions, each answered Yes or No by someone of the command center and recorded on the
timeline. "No" to the last, or "yes" to either of the first two, suggests a transfer; otherwise
the case stays. While the case is unresolved the questions come again every
`coordination.command_center_test_every` (its minutes are the "20 minutes" of the last one).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import case_channel, permissions, timers
from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import CASE_CHANNEL, Notice
from bot.sla import STOPPED_STATES
from bot.timeline import record_event
from bot.timers import Firing, Handler
from config.policy import Policy
from store.models import Case

QUESTIONS: dict[str, str] = {
    "architecture": "Does it need a major architectural change?",
    "skills": "Is it outside our skill set?",
    "quick": "Can we resolve it within {minutes} minutes?",
}
ANSWERS = ("yes", "no")


class CenterTestRefused(UserFacingError):
    """The answer cannot be recorded; the message says why."""


def question_text(policy: Policy, key: str) -> str:
    return QUESTIONS[key].format(minutes=minutes(policy.coordination.command_center_test_every))


def minutes(every: timedelta) -> int:
    return int(every.total_seconds() // 60)


def ask(
    session: Session, policy: Policy, case: Case, *, now: datetime, actor: str | None
) -> list[Notice]:
    """Post a new round of the three questions, if the center coordinates a major case."""
    if (
        not case.is_major
        or case.state in STOPPED_STATES
        or not policy.has_role(case.coordinator_id, "command_center")
    ):
        return []
    number = current_round(case) + 1
    record_event(
        case, at=now, actor=actor, kind="cc_test_asked", new=str(number), detail={"round": number}
    )
    timers.schedule(
        session,
        key=f"cc_test:{case.id}",
        kind="cc_test_again",
        due_at=now + policy.coordination.command_center_test_every,
        now=now,
        case=case,
        payload={"round": number},
    )
    notices = []
    if case.channel_id is None:
        notices += case_channel.join(session, case, [case.coordinator_id])
    if number > 1:  # the previous round's card loses its buttons
        notices.append(
            n.post(CASE_CHANNEL, "cc_test", key=card_key(case, number - 1), round=number - 1)
        )
    notices.append(n.post(CASE_CHANNEL, "cc_test", key=card_key(case, number), round=number))
    return notices


def answer(
    session: Session,
    policy: Policy,
    case: Case,
    *,
    round_number: int,
    question: str,
    value: str,
    actor: str,
    now: datetime,
) -> list[Notice]:
    """Record one answer; the third answer of a round posts the suggested outcome."""
    permissions.require(
        actor, permissions.may_answer_cc_test(policy), to="answer the command center test"
    )
    if question not in QUESTIONS or value not in ANSWERS:
        raise CenterTestRefused(
            "That button is damaged; answer on the newest card in the case channel."
        )
    if case.state in STOPPED_STATES:
        raise CenterTestRefused(f"{case.ref} is already {case.state}; the test is over.")
    latest = current_round(case)
    if round_number != latest:
        raise CenterTestRefused(
            f"Round {round_number} of the test on {case.ref} was replaced by round {latest}; "
            "answer the newest card in the case channel."
        )
    given = answers(case, round_number)
    if question in given:
        value_given, by = given[question]
        raise CenterTestRefused(f"That question is already answered {value_given} by <@{by}>.")
    record_event(
        case,
        at=now,
        actor=actor,
        kind="cc_test",
        field=question,
        new=value,
        detail={"round": round_number},
    )
    case.updated_at = now  # two answers at once: the version column lets one through
    given[question] = (value, actor)
    notices = [
        n.post(CASE_CHANNEL, "cc_test", key=card_key(case, round_number), round=round_number)
    ]
    if len(given) == len(QUESTIONS):
        outcome = suggestion({k: v for k, (v, _) in given.items()})
        record_event(
            case,
            at=now,
            actor=None,
            kind="cc_test_outcome",
            new=outcome,
            detail={"round": round_number},
        )
        notices.append(n.post(CASE_CHANNEL, "cc_test_outcome", round=round_number, outcome=outcome))
    return notices


def suggestion(given: dict[str, str]) -> str:
    """ "transfer" when it is too big, too foreign or too slow for the center; else "keep"."""
    if given.get("quick") == "no" or "yes" in (given.get("architecture"), given.get("skills")):
        return "transfer"
    return "keep"


def current_round(case: Case) -> int:
    rounds = [int(e.detail.get("round", 0)) for e in case.events if e.kind == "cc_test_asked"]
    return max(rounds, default=0)


def answers(case: Case, round_number: int) -> dict[str, tuple[str, str]]:
    """Question key -> (answer, who) for one round."""
    return {
        e.field: (e.new_value or "", e.actor_id or "")
        for e in case.events
        if e.kind == "cc_test" and e.field and e.detail.get("round") == round_number
    }


def card_key(case: Case, round_number: int) -> str:
    return f"cc_test:{case.id}:{round_number}"


def again(f: Firing) -> list[Notice]:
    """The configured minutes passed: ask again, unless the case is resolved or closed."""
    if f.case is None or f.case.state in STOPPED_STATES:
        return []
    return ask(f.session, f.policy, f.case, now=f.now, actor=None)


HANDLERS: dict[str, Handler] = {"cc_test_again": again}
