"""What a contact tells the desk (INTAKE-2), and the checks that run before anything is recorded.

Every intake path (modal, `/case new`, message shortcut) builds the same `IntakeFields`, and
`check_fields` reports every problem at once, per field, so a modal can show each one in place
and a command can list them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.text import mentions_everyone
from bot.vocabulary import (
    CATEGORIES,
    CONTACT_CHANNELS,
    NOT_IN_CATALOG,
    RECENT_CHANGES,
    REQUEST_TYPES,
    UNKNOWN,
)
from config.policy import Policy

SUMMARY_MAX = 150
LONG_TEXT_MAX = 3000
SHORT_TEXT_MAX = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+().\-\s/x]{3,40}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True, kw_only=True)
class IntakeFields:
    """One contact as the reporter gave it; UNKNOWN marks an "I don't know" answer."""

    summary: str
    requester_id: str
    reporter_id: str
    contact_channel: str
    description: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_location: str = ""
    contact_notes: str = ""
    service: str = UNKNOWN
    service_name: str = ""
    request_type: str = UNKNOWN
    category: str = UNKNOWN
    impact_answers: dict[str, str] = field(default_factory=dict)
    urgency: str = UNKNOWN
    failure_looks_like: str = ""
    success_looks_like: str = ""
    steps_to_reproduce: str = ""
    evidence: str = ""
    recent_change: str = UNKNOWN
    recent_change_details: str = ""
    source_channel: str | None = None
    source_ts: str | None = None
    source_permalink: str | None = None

    def unknown_count(self, policy: Policy) -> int:
        """How many classification answers were "I don't know" (INTAKE-6's reported figure)."""
        answers = [self.service, self.request_type, self.category, self.urgency, self.recent_change]
        answers += [self.impact_answers.get(q.key, UNKNOWN) for q in policy.impact_questions]
        return sum(1 for a in answers if a == UNKNOWN)


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, worded for the person who typed it."""

    field: str
    message: str


def check_fields(fields: IntakeFields, policy: Policy) -> list[FieldError]:
    """Every problem with the intake, or an empty list when it can be recorded."""
    errors: list[FieldError] = []
    summary = fields.summary.strip()
    if not summary:
        errors.append(
            FieldError("summary", "A summary is required: one line saying what is wrong.")
        )
    elif len(summary) > SUMMARY_MAX:
        errors.append(
            FieldError(
                "summary",
                f"The summary is {len(summary)} characters; keep it to {SUMMARY_MAX} and put the "
                "rest in the description.",
            )
        )
    for name in ("summary", "description", "failure_looks_like", "success_looks_like"):
        if mentions_everyone(getattr(fields, name)):
            errors.append(
                FieldError(
                    name,
                    "Remove @here, @channel or @everyone: the bot would notify whole channels "
                    "each time it posts this case.",
                )
            )
    for name in ("requester_id", "reporter_id"):
        if not _USER_ID.match(getattr(fields, name)):
            errors.append(FieldError(name, "Pick the person from the list of Slack users."))
    if fields.contact_channel not in CONTACT_CHANNELS:
        errors.append(
            FieldError("contact_channel", f"Unknown contact channel {fields.contact_channel!r}.")
        )
    errors += _check_lengths(fields)
    if fields.contact_email and not _EMAIL.match(fields.contact_email):
        errors.append(
            FieldError("contact_email", f"{fields.contact_email!r} is not an e-mail address.")
        )
    if fields.contact_phone and not _PHONE.match(fields.contact_phone):
        errors.append(
            FieldError(
                "contact_phone",
                f"{fields.contact_phone!r} is not a phone number: use digits, spaces, + ( ) - "
                "and x for an extension.",
            )
        )
    errors += _check_choices(fields, policy)
    return errors


def _check_lengths(fields: IntakeFields) -> list[FieldError]:
    limits = {
        "description": LONG_TEXT_MAX,
        "failure_looks_like": LONG_TEXT_MAX,
        "success_looks_like": LONG_TEXT_MAX,
        "steps_to_reproduce": LONG_TEXT_MAX,
        "evidence": LONG_TEXT_MAX,
        "recent_change_details": LONG_TEXT_MAX,
        "contact_notes": LONG_TEXT_MAX,
        "contact_location": SHORT_TEXT_MAX,
        "contact_email": SHORT_TEXT_MAX,
        "service_name": SHORT_TEXT_MAX,
    }
    return [
        FieldError(name, f"Too long: {len(getattr(fields, name))} characters, at most {limit}.")
        for name, limit in limits.items()
        if len(getattr(fields, name)) > limit
    ]


def _check_choices(fields: IntakeFields, policy: Policy) -> list[FieldError]:
    errors = check_classification(
        policy,
        service=fields.service,
        service_name=fields.service_name,
        request_type=fields.request_type,
        category=fields.category,
        urgency=fields.urgency,
        impact_answers=fields.impact_answers,
    )
    if fields.recent_change != UNKNOWN and fields.recent_change not in RECENT_CHANGES:
        errors.append(
            FieldError(
                "recent_change",
                f"{fields.recent_change!r} is not a choice here. Choose one of: "
                f"{', '.join(RECENT_CHANGES)}.",
            )
        )
    return errors


def check_classification(
    policy: Policy,
    *,
    service: str,
    service_name: str,
    request_type: str,
    category: str,
    urgency: str,
    impact_answers: Mapping[str, str],
) -> list[FieldError]:
    """Every answer must be one the policy offers (a form's options can be forged or stale)."""
    errors: list[FieldError] = []
    services = [*policy.services, UNKNOWN, NOT_IN_CATALOG]
    if service not in services:
        errors.append(
            FieldError(
                "service",
                f"{service!r} is not in the service catalog. Choose one of: "
                f'{", ".join(policy.services)}, or "I don\'t know".',
            )
        )
    if service == NOT_IN_CATALOG and not service_name.strip():
        errors.append(
            FieldError("service_name", "Name the service, since it is not in the catalog.")
        )
    choices = {
        "request_type": (request_type, list(REQUEST_TYPES)),
        "category": (category, list(CATEGORIES)),
        "urgency": (urgency, list(policy.urgency_levels)),
    }
    for name, (value, allowed) in choices.items():
        if value != UNKNOWN and value not in allowed:
            errors.append(
                FieldError(
                    name, f"{value!r} is not a choice here. Choose one of: {', '.join(allowed)}."
                )
            )
    questions = {q.key: q for q in policy.impact_questions}
    for key, value in impact_answers.items():
        question = questions.get(key)
        if key == "stated":
            if value != UNKNOWN and value not in policy.impact_levels:
                levels = ", ".join(policy.impact_levels)
                errors.append(
                    FieldError("impact", f"{value!r} is not an impact. Choose: {levels}.")
                )
        elif question is None:
            errors.append(FieldError(f"impact_{key}", f"Unknown impact question {key!r}."))
        elif value != UNKNOWN and question.option(value) is None:
            answers = ", ".join(o.value for o in question.options)
            errors.append(
                FieldError(
                    f"impact_{key}", f"{value!r} is not an answer to this. Choose: {answers}."
                )
            )
    return errors
