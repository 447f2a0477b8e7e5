"""CLASSIFY-2 and CLASSIFY-3 as pure functions: supportability, impact, urgency, priority.

Priority is never asked of anyone: it comes from the business-impact answers and urgency through
the configured matrix, then a service may preset (at least) or cap (at most) it.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

from bot.vocabulary import NOT_IN_CATALOG, UNKNOWN
from config.policy import Policy

STATED_IMPACT = "stated"


@dataclass(frozen=True, kw_only=True)
class Classification:
    impact: str
    urgency: str
    priority: str
    is_major: bool
    support_status: str


def impact_of(policy: Policy, answers: Mapping[str, str], service_key: str) -> str:
    """The most severe impact among the answers; "I don't know" answers count for nothing.

    `/case new impact=...` states the level directly; it is kept under STATED_IMPACT.
    An unanswered business-critical question counts as "yes" when the catalog marks the service
    as business-critical, because the desk knows what the caller may not.
    """
    levels: list[str] = []
    stated = answers.get(STATED_IMPACT)
    if stated in policy.impact_levels:
        levels.append(str(stated))
    service = policy.services.get(service_key)
    for question in policy.impact_questions:
        value = answers.get(question.key, UNKNOWN)
        if (
            value == UNKNOWN
            and question.key == "critical"
            and service
            and service.business_critical
        ):
            value = "yes"
        option = question.option(value)
        if option is not None:
            levels.append(option.impact)
    if not levels:
        return policy.unknown_impact
    return min(levels, key=policy.impact_levels.index)


def priority_of(policy: Policy, impact: str, urgency: str, service_key: str) -> str:
    """Matrix lookup, then the service's preset floor and cap."""
    urgency = policy.unknown_urgency if urgency == UNKNOWN else urgency
    priority = policy.matrix[impact][urgency]
    service = policy.services.get(service_key)
    if service is None:
        return priority
    rank = policy.priority_rank
    if service.priority_at_least and rank(priority) > rank(service.priority_at_least):
        priority = service.priority_at_least
    if service.priority_at_most and rank(priority) < rank(service.priority_at_most):
        priority = service.priority_at_most
    return priority


def support_status_of(
    policy: Policy, service_key: str, service_name: str, lasting_overrides: Set[str]
) -> str:
    """CLASSIFY-2: is the desk allowed to work on this service?"""
    if service_key == UNKNOWN:
        return "unknown"
    if service_key == NOT_IN_CATALOG:
        key = override_key(service_key, service_name)
        return "override_lasting" if key in lasting_overrides else "not_in_catalog"
    service = policy.services[service_key]
    if service.security_violation:
        return "security_violation"
    if service.supported:
        return "supported"
    return "override_lasting" if service_key in lasting_overrides else "unsupported"


def override_key(service_key: str, service_name: str) -> str:
    """The key a lasting override is stored under: the catalog key, or the typed name."""
    if service_key == NOT_IN_CATALOG:
        return NOT_IN_CATALOG + ":" + " ".join(service_name.lower().split())
    return service_key


def classify(
    policy: Policy,
    *,
    service_key: str,
    service_name: str,
    impact_answers: Mapping[str, str],
    urgency: str,
    lasting_overrides: Set[str],
    current_support: str | None = None,
) -> Classification:
    """Everything CLASSIFY-2/3 derive from the answers.

    A temporary override granted to this case survives reclassification as long as the service
    does not change; `current_support` carries it.
    """
    impact = impact_of(policy, impact_answers, service_key)
    priority = priority_of(policy, impact, urgency, service_key)
    status = support_status_of(policy, service_key, service_name, lasting_overrides)
    if current_support == "override_temporary" and status in ("unsupported", "not_in_catalog"):
        status = current_support
    return Classification(
        impact=impact,
        urgency=urgency,
        priority=priority,
        is_major=policy.is_major(priority, service_key),
        support_status=status,
    )
