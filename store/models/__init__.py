"""The durable record, one module per area; every model is importable from `store.models`.

The schema is owned by Alembic (store/migrations); these models must match it, which a test checks.
"""

from store.models.base import NAMING, Base, UtcDateTime
from store.models.cases import Case, CaseEvent, CaseParty, Counter
from store.models.changes import Change, Rfc
from store.models.clocks import SlaClock, Timer
from store.models.coordination import Consult, Handoff
from store.models.delivery import OutboxItem, SeenRequest, SlackMessage
from store.models.follow_up import Problem, ProblemAction, Survey
from store.models.intake import IntakeDraft, ServiceOverride

__all__ = [
    "NAMING",
    "Base",
    "Case",
    "CaseEvent",
    "CaseParty",
    "Change",
    "Consult",
    "Counter",
    "Handoff",
    "IntakeDraft",
    "OutboxItem",
    "Problem",
    "ProblemAction",
    "Rfc",
    "SeenRequest",
    "ServiceOverride",
    "SlaClock",
    "SlackMessage",
    "Survey",
    "Timer",
    "UtcDateTime",
]
