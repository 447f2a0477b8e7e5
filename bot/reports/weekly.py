"""QUAL-2's weekly report on a schedule: one timer row, fired once whichever process sweeps
(bot/timers.py), and one `weekly_reports` row per report week, unique, claimed in the firing's
transaction with the outbox row that posts it. A second timer or process that reaches the same
week fails on the constraint and posts nothing.

The report due on day D at the policy's time covers the seven local days before D. A report the
bot was down for fires when it comes back, marked late, and the next one is scheduled from then:
weeks slept through entirely are not posted one after another.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.notices import Notice
from bot.reports.period import Days
from bot.timers import Firing, active, cancel, schedule
from config.policy import Policy
from store.db import Database
from store.models import WeeklyReport
from store.outbox import add_item

log = logging.getLogger(__name__)

KIND = "weekly_report"
KEY = "weekly_report"
OPERATION = "weekly_report"
LANE = "reports"


def channel(policy: Policy) -> str:
    return policy.weekly_report.channel or policy.management_channel


def next_due(policy: Policy, after: datetime) -> datetime:
    """The first report moment strictly after `after`, in UTC (local day and time, DST-safe)."""
    setting, zone = policy.weekly_report, ZoneInfo(policy.desk_zone)
    local = after.astimezone(zone)
    day = local.date() + timedelta(days=(setting.weekday - local.weekday()) % 7)
    while True:
        moment = datetime.combine(day, setting.time, zone).astimezone(UTC)
        if moment > after:
            return moment
        day += timedelta(days=7)


def covered(policy: Policy, due_at: datetime) -> Days:
    """The seven local days before the report's day."""
    day = due_at.astimezone(ZoneInfo(policy.desk_zone)).date()
    return Days(first=day - timedelta(days=7), end=day, zone=policy.desk_zone)


def ensure_scheduled(db: Database, policy: Policy, clock: Clock) -> None:
    """At start: one active timer at the next report moment. One already due stays as it is
    (it fires late at the next sweep); a future one follows a changed day or time."""
    now = clock.now()
    try:
        with db.transaction() as session:
            timer = active(session, KEY)
            if not policy.weekly_report.enabled:
                cancel(session, KEY, now=now)
            elif timer is None or timer.due_at > now:
                schedule(session, key=KEY, kind=KIND, due_at=next_due(policy, now), now=now)
    except IntegrityError:  # another process scheduled it at the same moment
        log.info("the weekly report was scheduled by another process")


def fire(firing: Firing) -> list[Notice]:
    """The timer fell due: claim its week and write the outbox row that posts the report; then
    schedule the next one."""
    session, policy, now = firing.session, firing.policy, firing.now
    due_at = firing.timer.due_at
    days = covered(policy, due_at)
    if policy.weekly_report.enabled:
        try:
            with session.begin_nested():
                session.add(
                    WeeklyReport(
                        week_start=days.first,
                        week_end=days.end,
                        due_at=due_at,
                        claimed_at=now,
                        late=firing.late,
                        channel=channel(policy),
                    )
                )
                add_item(
                    session,
                    now=now,
                    lane=LANE,
                    case_id=None,
                    operation=OPERATION,
                    target=channel(policy),
                    params=report_params(days.first, days.end, due_at, late=firing.late),
                )
        except IntegrityError:
            log.info("the weekly report of %s was already claimed", days.first)
        schedule(session, key=KEY, kind=KIND, due_at=next_due(policy, max(now, due_at)), now=now)
    return []


def report_params(first: date, end: date, due_at: datetime, *, late: bool) -> dict[str, object]:
    return {
        "week_start": first.isoformat(),
        "week_end": end.isoformat(),
        "due_at": due_at.isoformat(),
        "late": late,
    }


HANDLERS = {KIND: fire}
