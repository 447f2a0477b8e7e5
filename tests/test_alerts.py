"""Alerts from monitoring (issue 15): cases opened from Alertmanager, Grafana and generic
notifications through the intake path (INTAKE-1), one case per alert group with repeats
changing nothing and new, resolved and re-fired alerts on the timeline (INTAKE-4), the
coordinator asked to propose the resolution when all resolved (CLOSE-1), recurrences, and alert
storms becoming one major incident (WORK-6)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.sandbox.world import World
from store.models import Alert, AlertGroup, AlertNotification, NotificationStatus
from tests.alert_http import Monitoring, sample, work
from tests.conftest import as_user
from tests.helpers import case_count, cases, dm_texts, events, outbox

NORA, PRIYA = "U0MON01", "U0CC01"


def _rows(world: World, model: Any) -> int:
    with world.runtime.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _alerts(alertname: str, *fingerprints: str, status: str = "firing") -> dict[str, Any]:
    body = sample("alertmanager")
    first = body["alerts"][0]
    body["groupKey"] = f'{{}}:{{alertname="{alertname}"}}'
    body["status"] = status
    body["alerts"] = [
        {
            **first,
            "status": status,
            "labels": {**first["labels"], "alertname": alertname, "instance": fp},
            "fingerprint": fp,
            **({"endsAt": "2026-12-06T10:05:00Z"} if status == "resolved" else {}),
        }
        for fp in fingerprints
    ]
    return body


def test_intake_1_an_alertmanager_notification_is_stored_then_opens_a_case_as_every_path(
    world: World, monitoring: Monitoring
) -> None:
    answer = monitoring.post("alertmanager", sample("alertmanager"))
    assert answer.status_code == 202
    assert answer.json() == {"accepted": True, "notification": 1}
    assert case_count(world) == 0 and _rows(world, AlertNotification) == 1  # queued, durable
    work(world)
    (case,) = cases(world)
    policy = world.runtime.policy
    assert (case.requester_id, case.reporter_id, case.contact_channel) == (NORA, NORA, "monitoring")
    assert case.summary == "MailQueueBacklog on mx1: 4,200 messages queued"
    assert (case.service_key, case.category, case.impact_answers, case.urgency) == (
        "email",
        "software",
        {"people": "team", "critical": "no"},
        "high",
    )
    assert case.priority == policy.matrix["moderate"]["high"]
    assert case.coordinator_id == policy.groups[policy.service_desk_group].on_call
    assert case.description.splitlines() == [
        "The outbound mail queue keeps growing.",
        "Alert group from prometheus: alertname=MailQueueBacklog",
        "• MailQueueBacklog on mx1 – 4,200 messages queued",
        "Labels: alertname=MailQueueBacklog, instance=mx1, job=postfix-exporter, severity=critical",
    ]
    assert case.evidence.splitlines() == [
        "Source: http://prometheus.example:9090/graph?g0.expr=postfix_queue_length",
        "Monitoring: http://alertmanager.example:9093",
    ]
    kinds = [e.kind for e in case.events]
    assert kinds[:2] == ["recorded", "classified"] and kinds.count("alerts_firing") == 1
    assert "contact by Monitoring alert" in [e.reason for e in case.events]
    assert case.needs_validation and "needs_validation" in kinds  # INTAKE-5, through intake
    assert "CASE-1001" in dm_texts(world, NORA)[0]
    with world.runtime.db.reading() as session:
        item = session.execute(select(AlertNotification)).scalar_one()
        assert (item.status, item.case_id) == (NotificationStatus.DONE, case.id)


def test_intake_4_a_repeat_notification_with_nothing_new_changes_and_notifies_nothing(
    world: World, monitoring: Monitoring
) -> None:
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1"))
    work(world)
    before_events, before_outbox = len(events(world, 1001)), len(outbox(world))
    for _ in range(3):
        assert monitoring.post("alertmanager", _alerts("DiskFull", "fp-1")).status_code == 202
    work(world)
    assert case_count(world) == 1
    assert (len(events(world, 1001)), len(outbox(world))) == (before_events, before_outbox)
    assert _rows(world, AlertGroup) == 1 and _rows(world, Alert) == 1


def test_intake_4_a_new_alert_joining_the_group_goes_on_the_timeline_and_to_the_coordinator(
    world: World, monitoring: Monitoring
) -> None:
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1"))
    work(world)
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1", "fp-2"))
    work(world)
    assert case_count(world) == 1
    joined = events(world, 1001, "alert_joined")
    assert [(e.actor_id, e.new_value) for e in joined] == [
        (None, "DiskFull on fp-2 – 4,200 messages queued")
    ]
    (case,) = cases(world)
    last = dm_texts(world, case.coordinator_id)[-1]
    assert "A new alert joined the alert group of *CASE-1001*" in last
    assert "DiskFull on fp-2 – 4,200 messages queued" in last


def test_close_1_when_every_alert_resolved_the_coordinator_is_asked_and_nothing_closes(
    world: World, monitoring: Monitoring
) -> None:
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1", "fp-2"))
    work(world)
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1", status="resolved"))
    work(world)
    assert [e.new_value for e in events(world, 1001, "alert_resolved")] == [
        "DiskFull on fp-1 – 4,200 messages queued"
    ]
    assert events(world, 1001, "alerts_resolved") == []  # fp-2 still fires
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-2", status="resolved"))
    work(world)
    (case,) = cases(world)
    assert [e.new_value for e in events(world, 1001, "alerts_resolved")] == ["2"]
    assert case.state not in ("resolved", "closed")  # nothing is closed by a machine
    last = world.standin.messages(world.standin.dm_channel_id(case.coordinator_id))[-1]
    assert "All 2 alerts of its group have resolved" in last.blocks[0]["text"]["text"]
    button = last.blocks[1]["elements"][0]
    assert (button["text"]["text"], button["action_id"], button["value"]) == (
        "Propose the resolution",
        "case_resolve",
        "1001",
    )
    before = len(outbox(world))
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-2", status="resolved"))
    work(world)
    assert len(outbox(world)) == before  # a repeated resolve asks nobody again


def test_intake_4_a_group_that_fires_after_its_case_closed_opens_a_linked_recurrence(
    world: World, monitoring: Monitoring
) -> None:
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1"))
    work(world)
    world.runtime.desk.closing.withdraw(1001, actor="U0DESK01", reason="test over")
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1", status="resolved"))
    work(world)
    assert case_count(world) == 1  # resolved news about a closed case opens nothing
    monitoring.post("alertmanager", _alerts("DiskFull", "fp-1"))
    work(world)
    assert [c.number for c in cases(world)] == [1001, 1002]
    assert [e.new_value for e in events(world, 1002, "recurrence_of")] == ["CASE-1001"]
    assert [e.new_value for e in events(world, 1001, "recurred_as")] == ["CASE-1002"]
    with world.runtime.db.reading() as session:
        groups = session.execute(select(AlertGroup).order_by(AlertGroup.episode)).scalars().all()
        assert [(g.episode, g.recurrence_of) for g in groups] == [(1, None), (2, groups[0].case_id)]
    (_, case) = cases(world)
    assert "is a recurrence: the same alert group fired again after CASE-1001" in " ".join(
        dm_texts(world, case.coordinator_id)
    )


def test_work_6_an_alert_storm_on_one_service_becomes_one_major_incident_once_confirmed(
    world: World, monitoring: Monitoring
) -> None:
    """WORK-6's link count makes the first alert case major, but it came from monitoring and
    nobody confirmed it (INTAKE-5): the major path waits, the command center's on-call is paged
    once (however many more cases link), and Confirm starts it."""
    for name in ("QueueBacklog", "SmtpLatency", "ImapDown", "TlsExpiry", "DnsErrors"):
        monitoring.post("alertmanager", _alerts(name, f"{name}-1"))
    work(world)
    first, *rest = cases(world)
    assert [c.parent_id for c in rest] == [first.id] * 4
    assert [e.reason for e in events(world, 1002, "linked_to_parent")] == ["alert storm on email"]
    assert [e.actor_id for e in events(world, 1001, "child_linked")] == [None] * 4
    assert (first.is_major, first.channel_id) == (False, None)
    assert events(world, 1001, "major") == []
    (held,) = events(world, 1001, "held_for_validation")
    assert held.detail == {"paged": PRIYA, "linked": 3}
    assert world.standin.messages("C0MAJOR") == []
    (page,) = dm_texts(world, PRIYA)
    assert page.startswith(
        "Needs validation: Monitoring alert says P3, with 3 cases linked to it for CASE-1001\n"
        ":rotating_light: *Needs validation: Monitoring alert says P3, with 3 cases linked to "
        "it.* Confirm or correct it before the case channel opens and the broadcast goes out."
    )
    as_user(world, "priya").press("Confirm")
    (first, *_) = cases(world)
    assert first.is_major and first.group_key == world.runtime.policy.command_center_group
    assert first.channel_id is not None
    assert [e.new_value for e in events(world, 1001, "validated")] == ["confirmed"]
