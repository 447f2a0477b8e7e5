"""`desk_figures`: every figure of QUAL-2 for one period, scope and filter, each from SQL
aggregates (counts, sums, window-function percentiles); no case is loaded into Python.

Which moment buckets a case into the period: its first contact for what came in (volume,
"I don't know" answers, SLA attainment, time to first response, unsupported services), its
close for how it ended (first-contact resolution, time to resolution, reopens, articles
applied), the event's own moment for reassignments, article use and surveys sent. Open cases
by age are as of now. docs/figures.md has every definition.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import reassign_report, surveys, unsupported_report
from bot.figures import clocks, intake
from bot.figures.closes import close_figures
from bot.figures.model import DeskFigures, Filters, KbUsefulness
from bot.figures.period import Period
from bot.figures.scope import Scope
from bot.figures.validation import validation
from bot.figures.where import case_conditions
from config.policy import Policy
from kb.usage import totals
from store.models import Case, CaseState


def desk_figures(
    session: Session,
    *,
    period: Period,
    scope: Scope,
    policy: Policy,
    now: datetime,
    filters: Filters = Filters(),  # noqa: B008 (frozen, never changed)
) -> DeskFigures:
    """The figures of the cases in `scope` matching `filters`, for `period`, as of `now`."""
    where = case_conditions(scope, filters)
    start, end = period.start, period.end
    opened = (*where, Case.first_contact_at >= start, Case.first_contact_at < end)
    closed = (*where, Case.state == CaseState.CLOSED, Case.closed_at >= start, Case.closed_at < end)
    resolving_codes = [c.code for c in policy.closure_codes if c.resolved]
    resolving = Case.closure_code.in_(resolving_codes)
    ends = close_figures(
        session, closed, resolving=resolving, goal=policy.figures.first_contact_resolution_goal
    )
    volume = intake.volume(session, opened)
    kb_cases = (
        None if scope.everything and filters == Filters() else select(Case.number).where(*where)
    )
    usage = totals(session, since=start, until=end, cases=kb_cases)
    groups = _moved_groups(scope, filters)
    unfiltered = case_conditions(
        Scope(groups=None), Filters(service=filters.service, priority=filters.priority)
    )
    return DeskFigures(
        period=period,
        scope=scope,
        filters=filters,
        generated_at=now,
        cases=sum(n for _, n in volume[0].counts),
        closed=ends.closed,
        first_contact=ends.first_contact,
        sla=clocks.tallies(session, opened, list(policy.priorities)),
        first_response=clocks.time_to(session, "first_response", opened),
        resolution=clocks.time_to(session, "resolution", (*closed, resolving)),
        reopened=ends.reopened,
        reassignments=reassign_report.figures(
            session, since=start, until=end, where=unfiltered, groups=groups
        ),
        unknowns=intake.unknowns(session, policy, opened),
        unsupported=unsupported_report.report(
            session, policy, since=start, until=end, now=now, where=where
        ),
        kb=KbUsefulness(
            shown=usage.shown,
            opened=usage.opened,
            sent=usage.sent,
            fixed=usage.fixed,
            not_helped=usage.not_helped,
            made_worse=usage.made_worse,
            closes_with_article=ends.with_article,
            closes_without_article=ends.without_article,
        ),
        surveys=surveys.figures(session, since=start, until=end, where=where),
        open_by_age=intake.open_by_age(session, where, now=now),
        volume=volume,
        validation=validation(session, opened),
    )


def _moved_groups(scope: Scope, filters: Filters) -> tuple[str, ...] | None:
    """Reassignments count the moves into or out of the groups read (not the case's group
    now: a case transferred away still shows in the group it left)."""
    if filters.group is not None:
        return (filters.group,)
    return scope.groups
