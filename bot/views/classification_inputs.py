"""The classification questions both the intake form and the classify form ask (CLASSIFY-1..3,
INTAKE-6): service, type, category, business impact and urgency, each with "I don't know"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block

from bot.text import plain
from bot.views.inputs import SubmittedState, choices, select, text_input
from bot.vocabulary import CATEGORIES, NOT_IN_CATALOG, REQUEST_TYPES, UNKNOWN
from config.policy import Policy


@dataclass(frozen=True, kw_only=True)
class Answers:
    """Classification answers; UNKNOWN is "I don't know", None is "not asked yet"."""

    service: str | None = None
    service_name: str = ""
    request_type: str | None = None
    category: str | None = None
    impact_answers: Mapping[str, str] = field(default_factory=dict)
    urgency: str | None = None


def service_options(policy: Policy) -> list[tuple[str, str]]:
    """Catalog services (unsupported ones marked) and "not in this list"."""
    pairs = [
        (key, s.name if s.supported and not s.security_violation else f"{s.name} (not supported)")
        for key, s in policy.services.items()
    ]
    pairs.append((NOT_IN_CATALOG, "Something not in this list"))
    return pairs


def classification_inputs(policy: Policy, initial: Answers) -> list[Block]:
    blocks: list[Block] = [
        select(
            "service", "Affected service", choices(service_options(policy)), initial=initial.service
        ),
        text_input(
            "service_name",
            "If it is not in the list: which service?",
            initial=initial.service_name,
            max_length=200,
        ),
        select(
            "request_type",
            "Request type",
            choices(list(REQUEST_TYPES.items())),
            initial=initial.request_type,
        ),
        select("category", "Category", choices(list(CATEGORIES.items())), initial=initial.category),
    ]
    for question in policy.impact_questions:
        blocks.append(
            select(
                f"impact_{question.key}",
                question.label,
                choices([(o.value, o.label) for o in question.options]),
                initial=initial.impact_answers.get(question.key),
            )
        )
    blocks.append(
        select(
            "urgency",
            "How badly is work blocked?",
            choices(list(policy.urgency_options)),
            initial=initial.urgency,
        )
    )
    return blocks


def read_answers(policy: Policy, state: SubmittedState) -> Answers:
    """The submitted answers; an absent one reads as "I don't know"."""
    service = state.choice("service", default=UNKNOWN)
    return Answers(
        service=service,
        service_name=plain(state.text("service_name")) if service == NOT_IN_CATALOG else "",
        request_type=state.choice("request_type", default=UNKNOWN),
        category=state.choice("category", default=UNKNOWN),
        impact_answers={
            q.key: state.choice(f"impact_{q.key}", default=UNKNOWN) for q in policy.impact_questions
        },
        urgency=state.choice("urgency", default=UNKNOWN),
    )
