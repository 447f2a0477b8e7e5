"""One case per alert group, each alert tracked by its fingerprint (INTAKE-4).

A notification about a group with an open case only updates it: a repeat with nothing new
changes nothing and notifies nobody; an alert that joins the group, resolves or fires again
goes on the case's timeline; when every alert has resolved the coordinator is asked to propose
the resolution (CLOSE-1), and nothing is closed by a machine. A group that fires after its case
closed opens a new case (a new episode) linked to the old one as a recurrence. Alert groups
about one service that open within the storm window become children of the first (WORK-6).

Everything runs in the caller's transaction; the unique key on (source, group, episode) makes
two workers that see one new group at the same moment record one case (the loser retries and
finds the winner's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot import major
from bot import notices as n
from bot.alerts.mapping import CHANNEL, alert_line, intake_fields
from bot.alerts.payloads import AlertIn, Notification
from bot.intake_fields import IntakeFields
from bot.notices import Notice
from bot.timeline import record_event
from bot.vocabulary import OPEN_STATES, UNKNOWN
from config.alerts_policy import AlertsFile, Source
from config.policy import Policy
from store.models import Alert, AlertGroup, AlertState, Case

Record = Callable[[Session, IntakeFields], Case]


@dataclass
class Outcome:
    """What one notification did: the case it opened or updated, and the effects per case."""

    case: Case | None = None
    opened: bool = False
    changed: bool = False  # False: a repeat with nothing new
    effects: list[tuple[Case, list[Notice]]] = field(default_factory=list)

    def add(self, case: Case, notices: list[Notice]) -> None:
        self.effects.append((case, notices))


def latest_group(session: Session, source: Source, notification: Notification) -> AlertGroup | None:
    return session.execute(
        select(AlertGroup)
        .where(AlertGroup.source == source.key, AlertGroup.group_hash == notification.group_hash)
        .order_by(AlertGroup.episode.desc())
        .limit(1)
    ).scalar_one_or_none()


_LATEST_STATE = (
    select(AlertGroup.id, AlertGroup.case_id, AlertGroup.all_resolved_at, Case.state, Case.number)
    .join(Case, Case.id == AlertGroup.case_id)
    .where(AlertGroup.source == bindparam("source"), AlertGroup.group_hash == bindparam("group"))
    .order_by(AlertGroup.episode.desc())
    .limit(1)
)
_KNOWN = select(Alert.fingerprint, Alert.status).where(Alert.group_id == bindparam("group"))


@dataclass(frozen=True)
class GroupState:
    """A group's open case and its alerts as stored: what a repeat is compared with."""

    case_id: int
    case_number: int
    known: dict[str, str]
    all_resolved: bool

    def repeats(self, notification: Notification) -> bool:
        """True when working `notification` would change nothing: every alert it reports is
        known in the state it reports, and the group's resolved mark agrees."""
        if any(self.known.get(a.fingerprint) != a.status for a in notification.alerts):
            return False
        firing = any(status == AlertState.FIRING for status in self.known.values())
        return firing != self.all_resolved


def open_group_state(session: Session, source: Source, group_hash: str) -> GroupState | None:
    """The group's latest episode when its case is open (two plain reads, so a worker can
    settle the many repeats of a storm without holding the writer); None otherwise."""
    latest = session.execute(_LATEST_STATE, {"source": source.key, "group": group_hash}).first()
    if latest is None or latest.state not in OPEN_STATES:
        return None
    known = {row.fingerprint: row.status for row in session.execute(_KNOWN, {"group": latest.id})}
    return GroupState(
        case_id=int(latest.case_id),
        case_number=int(latest.number),
        known=known,
        all_resolved=latest.all_resolved_at is not None,
    )


def apply(
    session: Session,
    policy: Policy,
    alerts: AlertsFile,
    source: Source,
    notification: Notification,
    *,
    record: Record,
    now: datetime,
) -> Outcome:
    """Work one notification into the cases (see the module's docstring)."""
    outcome = Outcome()
    latest = latest_group(session, source, notification)
    case = session.get(Case, latest.case_id) if latest is not None else None
    if latest is None or case is None or case.state not in OPEN_STATES:
        if not notification.firing:  # resolved news about a group with no open case
            return outcome
        _open(session, policy, alerts, source, notification, latest, case, outcome, record, now)
        return outcome
    outcome.case = case
    _update(session, policy, latest, case, notification, outcome, now)
    return outcome


def _open(
    session: Session,
    policy: Policy,
    alerts: AlertsFile,
    source: Source,
    notification: Notification,
    previous: AlertGroup | None,
    old_case: Case | None,
    outcome: Outcome,
    record: Record,
    now: datetime,
) -> None:
    case = record(session, intake_fields(notification, alerts.rules, source))
    group = AlertGroup(
        source=source.key,
        group_hash=notification.group_hash,
        group_key=notification.group_key,
        episode=(previous.episode + 1) if previous is not None else 1,
        case_id=case.id,
        recurrence_of=old_case.id if old_case is not None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(group)
    session.flush()  # the unique key decides here which of two racing workers records the case
    for alert in notification.alerts:
        session.add(_alert_row(group, alert, now))
    record_event(
        case,
        at=now,
        actor=None,
        kind="alerts_firing",
        new=str(len(notification.firing)),
        reason=f"from {source.key}",
        detail={"fingerprints": [a.fingerprint for a in notification.firing][:50]},
    )
    outcome.case, outcome.opened, outcome.changed = case, True, True
    if old_case is not None:
        record_event(case, at=now, actor=None, kind="recurrence_of", new=old_case.ref)
        record_event(old_case, at=now, actor=None, kind="recurred_as", new=case.ref)
        old_case.updated_at = now
        recurrence = n.post(case.coordinator_id, "alert_recurrence", previous=old_case.number)
        outcome.add(case, [recurrence])
    storm_parent = _storm_parent(session, alerts, case, now)
    if storm_parent is not None:
        try:
            linked = major.attach(
                session,
                policy,
                case,
                storm_parent,
                actor=None,
                now=now,
                reason=f"alert storm on {case.service_key}",
            )
        except major.LinkRefused:  # the incident cannot take it: the case stands on its own
            return
        outcome.add(storm_parent, linked)


def _storm_parent(session: Session, alerts: AlertsFile, case: Case, now: datetime) -> Case | None:
    """WORK-6: the first open alert case on the same service within the storm window (or the
    incident it is already part of); None when this case is the first."""
    if case.service_key in (UNKNOWN, "", None):
        return None
    since: datetime = now - alerts.storm_window
    first = session.execute(
        select(Case)
        .where(
            Case.contact_channel == CHANNEL,
            Case.service_key == case.service_key,
            Case.state.in_(OPEN_STATES),
            Case.created_at >= since,
            Case.id != case.id,
        )
        .order_by(Case.id)
        .limit(1)
    ).scalar_one_or_none()
    if first is None:
        return None
    parent = major.parent_of(session, first) or first
    return parent if parent.state in OPEN_STATES and parent.id != case.id else None


def _update(
    session: Session,
    policy: Policy,
    group: AlertGroup,
    case: Case,
    notification: Notification,
    outcome: Outcome,
    now: datetime,
) -> None:
    known = {
        a.fingerprint: a
        for a in session.execute(select(Alert).where(Alert.group_id == group.id)).scalars()
    }
    joined: list[AlertIn] = []
    changed = False
    for alert in notification.alerts:
        row = known.get(alert.fingerprint)
        if row is None:
            row = _alert_row(group, alert, now)
            session.add(row)
            known[alert.fingerprint] = row
            changed = True
            if alert.status == "firing":
                joined.append(alert)
                record_event(case, at=now, actor=None, kind="alert_joined", new=alert_line(alert))
            continue
        if row.status == alert.status:
            continue  # a repeat: nothing new, nothing written, nobody told
        changed = True
        row.status, row.last_seen_at = AlertState(alert.status), now
        row.ends_at = alert.ends_at if alert.status == "resolved" else None
        kind = "alert_resolved" if alert.status == "resolved" else "alert_refired"
        record_event(case, at=now, actor=None, kind=kind, new=alert_line(alert))
    notices: list[Notice] = []
    if joined:
        notices.append(
            n.post(
                case.coordinator_id,
                "alert_joined",
                alerts=[alert_line(a) for a in joined][:20],
                count=len(joined),
            )
        )
    firing = [a for a in known.values() if a.status == AlertState.FIRING]
    if firing and group.all_resolved_at is not None:
        group.all_resolved_at = None
    elif not firing and group.all_resolved_at is None:
        group.all_resolved_at = now
        record_event(case, at=now, actor=None, kind="alerts_resolved", new=str(len(known)))
        notices.append(n.post(case.coordinator_id, "alerts_resolved", count=len(known)))
    if changed or notices:
        group.updated_at = case.updated_at = now
        outcome.changed = True
    if notices:
        outcome.add(case, notices)


def _alert_row(group: AlertGroup, alert: AlertIn, now: datetime) -> Alert:
    return Alert(
        group_id=group.id,
        fingerprint=alert.fingerprint,
        status=AlertState(alert.status),
        name=alert.name[:200],
        labels=dict(alert.labels),
        annotations=dict(alert.annotations),
        url=alert.url,
        starts_at=alert.starts_at,
        ends_at=alert.ends_at if alert.status == "resolved" else None,
        first_seen_at=now,
        last_seen_at=now,
    )
