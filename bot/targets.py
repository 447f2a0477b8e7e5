"""Target times promised to the requester (INTAKE-3), from the SLA targets of SLA-1."""

from __future__ import annotations

from datetime import datetime

from config.policy import Policy
from store.models import Case


def first_response_due(policy: Policy, case: Case) -> datetime:
    """When the first response is due: first contact plus the priority's (or service's) target."""
    targets = policy.sla_for(case.priority, case.service_key)
    return case.first_contact_at + targets.first_response
