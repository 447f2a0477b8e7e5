"""QUAL-1: a short satisfaction survey when a case closes: at most four one-tap questions,
tailored to the request type, never to someone who solved it themselves, at most one per
requester per period; the answer rate is a figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from bot import notices as n
from bot.errors import UserFacingError
from bot.notices import Notice
from bot.timeline import record_event
from config.policy import Policy
from store.models import Case, Survey


@dataclass(frozen=True, kw_only=True)
class Question:
    key: str
    text: str
    choices: tuple[tuple[str, str], ...]


SOLVED = Question(
    key="solved",
    text="Is your problem solved?",
    choices=(("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
)
ANSWERED = Question(
    key="answered",
    text="Did you get the answer you needed?",
    choices=(("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
)
DELIVERED = Question(
    key="delivered",
    text="Did you get what you asked for?",
    choices=(("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
)
SPEED = Question(
    key="speed",
    text="How quickly was it handled?",
    choices=(("fast", "Fast"), ("ok", "As expected"), ("slow", "Too slow")),
)
INFORMED = Question(
    key="informed",
    text="Were you kept informed?",
    choices=(("yes", "Yes"), ("no", "No")),
)
OVERALL = Question(
    key="overall",
    text="Overall, how satisfied are you?",
    choices=(
        ("5", "Very"),
        ("4", "Satisfied"),
        ("3", "Neutral"),
        ("2", "Unhappy"),
        ("1", "Very unhappy"),
    ),
)
QUESTIONS: dict[str, tuple[Question, ...]] = {
    "incident": (SOLVED, SPEED, INFORMED, OVERALL),
    "information": (ANSWERED, SPEED, OVERALL),
    "fulfillment": (DELIVERED, SPEED, INFORMED, OVERALL),
    "new_service": (INFORMED, SPEED, OVERALL),
}
DEFAULT = (SOLVED, SPEED, OVERALL)


class SurveyRefused(UserFacingError):
    """The answer cannot be taken; the message says why."""


def questions_for(request_type: str) -> tuple[Question, ...]:
    return QUESTIONS.get(request_type, DEFAULT)


def send_on_close(
    session: Session, policy: Policy, case: Case, *, closed_by: str, now: datetime
) -> list[Notice]:
    """The survey goes out, unless the requester closed it themselves (self-help) or was
    surveyed within the period."""
    if closed_by == case.requester_id:
        return []
    since = now - policy.closure.survey_at_most_every
    recent = session.execute(
        select(Survey.id).where(Survey.requester_id == case.requester_id, Survey.sent_at > since)
    ).first()
    if recent is not None:
        return []
    session.add(
        Survey(
            case_id=case.id,
            requester_id=case.requester_id,
            request_type=case.request_type,
            sent_at=now,
            answers={},
        )
    )
    record_event(case, at=now, actor=None, kind="survey_sent", new=case.requester_id)
    return [n.post(case.requester_id, "survey", key=survey_key(case))]


def survey_key(case: Case) -> str:
    return f"survey:{case.id}"


def answer(
    session: Session, case: Case, *, actor: str, question: str, choice: str, now: datetime
) -> list[Notice]:
    """One tap: recorded once; a second answer to the same question is refused."""
    survey = session.execute(select(Survey).where(Survey.case_id == case.id)).scalar_one_or_none()
    if survey is None or actor != survey.requester_id:
        raise SurveyRefused(f"There is no survey of {case.ref} for you to answer.")
    asked = {q.key: q for q in questions_for(survey.request_type)}
    if question not in asked or choice not in dict(asked[question].choices):
        raise SurveyRefused("That answer is not one of the survey's; answer on the survey itself.")
    if question in survey.answers:
        raise SurveyRefused(f"You already answered that question for {case.ref}; thank you.")
    survey.answers = {**survey.answers, question: choice}
    survey.answered_at = survey.answered_at or now
    if set(survey.answers) == set(asked):
        survey.completed_at = now
    record_event(case, at=now, actor=actor, kind="survey_answer", field=question, new=choice)
    return [n.post(case.requester_id, "survey", key=survey_key(case))]


@dataclass(frozen=True, kw_only=True)
class QuestionScore:
    """One question's answers: the count of each choice (best first) and the mean on the
    question's own scale (1 for its worst choice up to `scale` for its best)."""

    key: str
    text: str
    answers: int
    choices: tuple[tuple[str, int], ...]
    scale: int

    @property
    def mean(self) -> float | None:
        if not self.answers:
            return None
        scores = (self.scale - i for i in range(len(self.choices)))
        return sum(s * n for s, (_, n) in zip(scores, self.choices, strict=True)) / self.answers


@dataclass(frozen=True, kw_only=True)
class SurveyFigures:
    sent: int
    answered: int
    completed: int
    questions: tuple[QuestionScore, ...] = ()

    @property
    def answer_rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0

    @property
    def overall_mean(self) -> float | None:
        overall = next((q for q in self.questions if q.key == OVERALL.key), None)
        return overall.mean if overall else None


def all_questions() -> tuple[Question, ...]:
    """Every question any survey asks, once, in the order people meet them."""
    found: dict[str, Question] = {}
    for asked in (*QUESTIONS.values(), DEFAULT):
        for question in asked:
            found.setdefault(question.key, question)
    return tuple(found.values())


def figures(
    session: Session,
    *,
    since: datetime,
    until: datetime | None = None,
    where: Sequence[ColumnElement[bool]] = (),
) -> SurveyFigures:
    """Surveys sent in [since, until) about the cases `where` selects, with the count of each
    choice of each question, in one scan (a conditional count per question and choice)."""
    span = [Survey.sent_at >= since, *((Survey.sent_at < until,) if until else ()), *where]
    questions = all_questions()
    pairs = [(q.key, c) for q in questions for c, _ in q.choices]
    row = session.execute(
        select(
            func.count(Survey.id),
            func.count(Survey.answered_at),
            func.count(Survey.completed_at),
            *(_count_of(Survey.answers[k].as_string() == c) for k, c in pairs),
        )
        .join(Case, Case.id == Survey.case_id)
        .where(*span)
    ).one()
    sent, answered, completed = row[0], row[1], row[2]
    counts = {pair: int(n or 0) for pair, n in zip(pairs, row[3:], strict=True)}
    return SurveyFigures(
        sent=int(sent),
        answered=int(answered),
        completed=int(completed),
        questions=tuple(
            QuestionScore(
                key=q.key,
                text=q.text,
                answers=sum(counts.get((q.key, c), 0) for c, _ in q.choices),
                choices=tuple((label, counts.get((q.key, c), 0)) for c, label in q.choices),
                scale=len(q.choices),
            )
            for q in questions
        ),
    )


def _count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(sql_case((condition, 1), else_=0))
