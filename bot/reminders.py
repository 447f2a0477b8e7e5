"""What each kind of timer does when it fires. Each handler re-checks its condition first
(incidentbot's lesson): a case that moved on since the timer was set gets no stale alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import (
    closure,
    command_center_test,
    consult,
    estimates,
    handoff,
    problems,
    sla,
    sla_alerts,
    status_updates,
)
from bot import notices as n
from bot.notices import Notice
from bot.reports import weekly
from bot.timeline import record_event
from bot.timers import Firing, Handler, schedule
from store.models import Case, SlaClock

SLACK = timedelta(seconds=1)


def _live_clock(f: Firing) -> tuple[Case, SlaClock] | None:
    """The clock the timer is for, if it still runs."""
    case = f.case
    if case is None or case.state in sla.STOPPED_STATES:
        return None
    clock = sla.clock_by_id(case, int(f.timer.payload.get("clock", 0)))
    if clock is None or clock.met_at is not None or clock.paused_since is not None:
        return None
    return case, clock


def _moved(f: Firing, case: Case, due: datetime | None) -> bool:
    """The due time moved later since the timer was set: re-arm it instead of firing."""
    if due is None or due <= f.now + SLACK:
        return False
    schedule(
        f.session,
        key=f.timer.key,
        kind=f.timer.kind,
        due_at=due,
        now=f.now,
        case=case,
        payload=f.timer.payload,
    )
    return True


def sla_warning(f: Firing) -> list[Notice]:
    """SLA-2: at the warning share of a target, the coordinator (or the on-call) is alerted."""
    live = _live_clock(f)
    if live is None:
        return []
    case, clock = live
    if clock.warned_at is not None or _moved(f, case, clock.warn_at):
        return []
    clock.warned_at = f.now
    notices, detail = sla_alerts.warning_notices(f.policy, case, clock, now=f.now, late=f.late)
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="sla_warning",
        field=clock.metric,
        new=clock.due_at.isoformat() if clock.due_at else None,
        detail={"late": f.late, "share": f.policy.warn_fraction, **detail},
    )
    return [*notices, *n.refresh_cards(f.policy, case)]


def sla_breach(f: Firing) -> list[Notice]:
    """SLA-2: at breach, management and business contacts hear in business terms, the requester
    that management is engaged; the breach stays on the case."""
    live = _live_clock(f)
    if live is None:
        return []
    case, clock = live
    if clock.breached_at is not None or _moved(f, case, clock.due_at):
        return []
    clock.breached_at = f.now
    record_event(
        case,
        at=f.now,
        actor=None,
        kind="sla_breach",
        field=clock.metric,
        new=clock.due_at.isoformat() if clock.due_at else None,
        detail={"late": f.late},
    )
    service = f.policy.services.get(case.service_key)
    contacts = [*f.policy.breach_contacts, *(service.business_contacts if service else ())]
    notices = [n.post(f.policy.management_channel, "sla_breach", clock=clock.id, late=f.late)]
    notices += [
        n.post(user, "sla_breach", clock=clock.id, late=f.late) for user in dict.fromkeys(contacts)
    ]
    notices.append(n.post(case.requester_id, "requester_management_engaged", clock=clock.id))
    return [*notices, *n.refresh_cards(f.policy, case)]


def status_update_due(f: Firing) -> list[Notice]:
    """SLA-3: remind the coordinator of a major incident to post an update; keep reminding."""
    case = f.case
    if case is None or case.state == "closed" or not case.is_major:
        return []
    status_updates.schedule_reminder(f.session, f.policy, case, now=f.now)
    record_event(case, at=f.now, actor=None, kind="status_update_due", detail={"late": f.late})
    return [n.post(case.coordinator_id, "status_update_due", late=f.late)]


HANDLERS: dict[str, Handler] = {
    "sla_warning": sla_warning,
    "sla_breach": sla_breach,
    "status_update": status_update_due,
    **estimates.HANDLERS,
    **closure.HANDLERS,
    **handoff.HANDLERS,
    **consult.HANDLERS,
    **command_center_test.HANDLERS,
    **problems.HANDLERS,
    **weekly.HANDLERS,
}
