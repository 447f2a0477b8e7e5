"""The durable record, one module per area; every model is importable from `store.models`.

The schema is owned by Alembic (store/migrations); these models must match it, which a test checks.
"""

from store.models.alerts import (
    Alert,
    AlertGroup,
    AlertNotification,
    AlertState,
    NotificationStatus,
)
from store.models.base import NAMING, Base, StrEnumType, UtcDateTime
from store.models.cases import (
    Case,
    CaseEvent,
    CaseParty,
    CaseState,
    Counter,
    PartyRole,
    Validation,
)
from store.models.changes import Change, Rfc, RfcState
from store.models.clocks import SlaClock, Timer
from store.models.coordination import Consult, Handoff, HandoffState
from store.models.delivery import OutboxItem, OutboxStatus, SeenRequest, SlackMessage
from store.models.follow_up import Problem, ProblemAction, ProblemState, Survey
from store.models.intake import IntakeDraft, ServiceOverride
from store.models.records import Approval, CatalogRequest, Closure, JsonRecord, Resolution
from store.models.reports import WeeklyReport
from store.models.subscribers import (
    PublicNotice,
    SigningKey,
    SubscribeAttempt,
    Subscriber,
    SubscriberKind,
    SubscriberState,
)

__all__ = [
    "NAMING",
    "Alert",
    "AlertGroup",
    "AlertNotification",
    "AlertState",
    "Approval",
    "Base",
    "Case",
    "CaseEvent",
    "CaseParty",
    "CaseState",
    "CatalogRequest",
    "Change",
    "Closure",
    "Consult",
    "Counter",
    "Handoff",
    "HandoffState",
    "IntakeDraft",
    "JsonRecord",
    "NotificationStatus",
    "OutboxItem",
    "OutboxStatus",
    "PartyRole",
    "Problem",
    "ProblemAction",
    "ProblemState",
    "PublicNotice",
    "Resolution",
    "Rfc",
    "RfcState",
    "SeenRequest",
    "ServiceOverride",
    "SigningKey",
    "SlaClock",
    "SlackMessage",
    "StrEnumType",
    "SubscribeAttempt",
    "Subscriber",
    "SubscriberKind",
    "SubscriberState",
    "Survey",
    "Timer",
    "UtcDateTime",
    "Validation",
    "WeeklyReport",
]
