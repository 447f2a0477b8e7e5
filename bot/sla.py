"""SLA clocks (SLA-1, SLA-2): first response, next update and resolution, counted in the
business time of the case's calendar, paused while the case waits on the requester.

Each running clock keeps two timers (warning at the configured share, breach at the target);
every change that can move a due time calls `refresh`, which folds the time already spent into
the clock, so a new priority or calendar keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.business_time import add_business, business_seconds
from bot.timers import cancel, schedule
from config.policy import Calendar, Policy
from store.models import Case, SlaClock

METRICS = ("first_response", "next_update", "resolution")
METRIC_LABELS = {
    "first_response": "First response",
    "next_update": "Next update",
    "resolution": "Resolution",
}
STOPPED_STATES = ("resolved", "closed")


@dataclass(frozen=True, kw_only=True)
class ClockView:
    """A clock as people read it (`/case sla`, the App Home)."""

    metric: str
    label: str
    target_seconds: int
    elapsed_seconds: float
    left_seconds: float
    paused_seconds: float
    state: str  # running, paused, warned, breached, met
    due_at: datetime | None
    warn_at: datetime | None
    calendar: str

    def at_risk(self, now: datetime) -> bool:
        """SLA-2: past the warning share of its target and not yet breached."""
        if self.state == "warned":
            return True
        return self.state == "running" and self.warn_at is not None and self.warn_at <= now


def start(session: Session, policy: Policy, case: Case, *, now: datetime) -> None:
    """Open the first-response and resolution clocks from the first contact (SLA-1)."""
    for metric in ("first_response", "resolution"):
        _open_clock(case, metric, policy=policy, started=case.first_contact_at)
    refresh(session, policy, case, now=now)


def meet(session: Session, policy: Policy, case: Case, metric: str, *, now: datetime) -> bool:
    """Mark a metric met. Meeting first response, or giving an update, starts the next-update
    clock afresh. False when the metric had already been met (or never ran)."""
    clock = _clock(case, metric)
    newly = clock is not None and clock.met_at is None
    if clock is not None and newly:
        _fold(clock, policy, now)
        clock.met_at = now
        _cancel_timers(session, clock, now)
    if metric == "next_update" or (metric == "first_response" and newly):
        _restart_next_update(session, case, policy=policy, now=now)
    refresh(session, policy, case, now=now)
    return newly


def refresh(session: Session, policy: Policy, case: Case, *, now: datetime) -> None:
    """Recompute every clock's target, calendar, pause state and timers from the case now."""
    calendar = policy.calendar_for(
        priority=case.priority, service_key=case.service_key, group_key=case.group_key
    )
    targets = policy.sla_for(case.priority, case.service_key)
    stopped = case.state in STOPPED_STATES
    paused = case.waiting_on == "requester" and policy.pause_while_waiting
    unsaved = [clock for clock in case.clocks if clock.id is None]  # no timers under them yet
    counting: list[SlaClock] = []
    for clock in case.clocks:
        _fold(clock, policy, now)
        clock.calendar = calendar.key
        clock.target_seconds = int(getattr(targets, clock.metric).total_seconds())
        if clock.met_at is not None or stopped:
            if stopped and clock.met_at is None and clock.metric == "next_update":
                clock.met_at = now
            _set_paused(clock, False, now)
            clock.counting_since = None
            clock.warn_at = clock.due_at = None
            _cancel_timers(session, clock, now)
            continue
        _set_paused(clock, paused, now)
        if paused:
            clock.warn_at = clock.due_at = None
            _cancel_timers(session, clock, now)
            continue
        clock.counting_since = now
        _set_targets(clock, policy, calendar, now)
        counting.append(clock)
    if unsaved and counting:
        session.flush()  # every clock's targets set first: one INSERT, and the timers' ids
    for clock in counting:
        fresh = any(clock is new for new in unsaved)
        _schedule_timers(session, case, clock, now, fresh=fresh)


def views(policy: Policy, case: Case, *, now: datetime) -> list[ClockView]:
    """Every clock of the case, as of now."""
    result = []
    for clock in case.clocks:
        elapsed = _elapsed(clock, policy, now)
        paused = clock.paused_seconds + (
            (now - clock.paused_since).total_seconds() if clock.paused_since else 0.0
        )
        if clock.met_at is not None:
            state = "met late" if clock.breached_at else "met"
        elif clock.breached_at:
            state = "breached"
        elif clock.paused_since:
            state = "paused"
        elif clock.warned_at:
            state = "warned"
        else:
            state = "running"
        result.append(
            ClockView(
                metric=clock.metric,
                label=METRIC_LABELS[clock.metric],
                target_seconds=clock.target_seconds,
                elapsed_seconds=elapsed,
                left_seconds=clock.target_seconds - elapsed,
                paused_seconds=paused,
                state=state,
                due_at=clock.due_at,
                warn_at=clock.warn_at,
                calendar=clock.calendar,
            )
        )
    order = {m: i for i, m in enumerate(METRICS)}
    return sorted(result, key=lambda v: order[v.metric])


def clock_by_id(case: Case, clock_id: int) -> SlaClock | None:
    return next((c for c in case.clocks if c.id == clock_id), None)


def _open_clock(case: Case, metric: str, *, policy: Policy, started: datetime) -> SlaClock:
    calendar = policy.calendar_for(
        priority=case.priority, service_key=case.service_key, group_key=case.group_key
    )
    target = getattr(policy.sla_for(case.priority, case.service_key), metric)
    clock = SlaClock(
        metric=metric,
        calendar=calendar.key,
        target_seconds=int(target.total_seconds()),
        started_at=started,
        elapsed_seconds=0.0,
        counting_since=started,
        paused_seconds=0.0,
    )
    case.clocks.append(clock)
    return clock


def _restart_next_update(session: Session, case: Case, *, policy: Policy, now: datetime) -> None:
    """The next-update clock runs from the last contact with the customer."""
    clock = _clock(case, "next_update")
    if clock is None:
        _open_clock(case, "next_update", policy=policy, started=now)
        return
    _cancel_timers(session, clock, now)
    clock.started_at, clock.elapsed_seconds, clock.counting_since = now, 0.0, now
    clock.paused_since, clock.paused_seconds = None, 0.0
    clock.warned_at = clock.breached_at = clock.met_at = None


def _clock(case: Case, metric: str) -> SlaClock | None:
    return next((c for c in case.clocks if c.metric == metric), None)


def _calendar(policy: Policy, clock: SlaClock) -> Calendar:
    return policy.calendars.get(clock.calendar) or policy.calendars[policy.default_calendar]


def _elapsed(clock: SlaClock, policy: Policy, now: datetime) -> float:
    if clock.counting_since is None:
        return clock.elapsed_seconds
    return clock.elapsed_seconds + business_seconds(
        _calendar(policy, clock), clock.counting_since, now
    )


def _fold(clock: SlaClock, policy: Policy, now: datetime) -> None:
    """Bank the business time counted so far under the clock's current calendar."""
    clock.elapsed_seconds = _elapsed(clock, policy, now)
    if clock.counting_since is not None:
        clock.counting_since = now


def _set_paused(clock: SlaClock, paused: bool, now: datetime) -> None:
    if paused and clock.paused_since is None:
        clock.paused_since, clock.counting_since = now, None
    elif not paused and clock.paused_since is not None:
        clock.paused_seconds += (now - clock.paused_since).total_seconds()
        clock.paused_since = None


def _set_targets(clock: SlaClock, policy: Policy, calendar: Calendar, now: datetime) -> None:
    left = clock.target_seconds - clock.elapsed_seconds
    warn_left = clock.target_seconds * policy.warn_fraction - clock.elapsed_seconds
    if left > 0 or clock.due_at is None or clock.due_at > now:
        clock.due_at = add_business(calendar, now, left)
    # else: already over its target, it stays due when it fell due (a card says "was due")
    clock.warn_at = add_business(calendar, now, warn_left)


def _schedule_timers(
    session: Session, case: Case, clock: SlaClock, now: datetime, *, fresh: bool
) -> None:
    """The clock's warning and breach timers at its targets (it has its id)."""
    assert clock.warn_at is not None and clock.due_at is not None, "set by _set_targets"
    if clock.warned_at is None:
        schedule(
            session,
            key=_key(clock, "warn"),
            kind="sla_warning",
            due_at=clock.warn_at,
            now=now,
            case=case,
            payload={"clock": clock.id},
            fresh=fresh,
        )
    if clock.breached_at is None:
        schedule(
            session,
            key=_key(clock, "breach"),
            kind="sla_breach",
            due_at=clock.due_at,
            now=now,
            case=case,
            payload={"clock": clock.id},
            fresh=fresh,
        )


def _cancel_timers(session: Session, clock: SlaClock, now: datetime) -> None:
    if clock.id is None:
        return
    cancel(session, _key(clock, "warn"), now=now)
    cancel(session, _key(clock, "breach"), now=now)


def _key(clock: SlaClock, which: str) -> str:
    return f"sla:{clock.case_id}:{clock.metric}:{clock.id}:{which}"
