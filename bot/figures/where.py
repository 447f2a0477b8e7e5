"""The cases a figure counts: the reader's scope and the `group=`, `service=`, `priority=`
filters, as SQL conditions on `cases` that every figure's query shares."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from bot.figures.model import Filters
from bot.figures.scope import Scope
from store.models import Case


def case_conditions(scope: Scope, filters: Filters) -> tuple[ColumnElement[bool], ...]:
    """A case counts when its current group is in scope (the whole desk counts cases not yet
    routed too) and it matches every filter given."""
    found: list[ColumnElement[bool]] = []
    if scope.groups is not None:
        found.append(Case.group_key.in_(scope.groups) if scope.groups else false())
    if filters.group is not None:
        found.append(Case.group_key == filters.group)
    if filters.service is not None:
        found.append(Case.service_key == filters.service)
    if filters.priority is not None:
        found.append(Case.priority == filters.priority)
    return tuple(found)
