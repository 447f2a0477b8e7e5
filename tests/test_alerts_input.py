"""Alerts from monitoring, what comes in (issue 15): the recorded Grafana and generic samples
open cases (INTAKE-1); every bad request gets its specific refusal and records nothing; labels
with markup or @channel are stored plain and posted escaped."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from bot.sandbox.world import World
from bot.vocabulary import UNKNOWN
from store.models import AlertNotification
from tests.alert_http import TOKENS, Monitoring, sample, signed, work
from tests.helpers import cases, texts


def _stored(world: World) -> int:
    with world.runtime.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(AlertNotification)) or 0)


def test_intake_1_a_grafana_contact_point_sample_opens_a_vpn_case(
    world: World, monitoring: Monitoring
) -> None:
    assert monitoring.post("grafana", sample("grafana")).status_code == 202
    work(world)
    (case,) = cases(world)
    assert (case.service_key, case.category, case.urgency, case.contact_channel) == (
        "vpn",
        "network",
        "high",
        "monitoring",
    )
    assert case.summary == "VPN: VPN gateway down (vpn-gw-2)"
    assert case.description.splitlines()[0] == "VPN gateway vpn-gw-2 accepts no tunnels."
    assert case.evidence.splitlines() == [
        "Rule: https://grafana.example/alerting/grafana/abc123/view",
        "Dashboard: https://grafana.example/d/vpn",
        "Panel: https://grafana.example/d/vpn?viewPanel=2",
        "Silence: https://grafana.example/alerting/silence/new?matcher=alertname%3DVPN",
        "Monitoring: https://grafana.example/",
    ]


def test_intake_1_a_generic_alert_no_rule_matches_goes_to_the_desk_with_i_dont_know(
    world: World, monitoring: Monitoring
) -> None:
    body = json.dumps(sample("generic")).encode()
    answer = monitoring.post("generic", body, token=None, headers=signed(TOKENS["generic"], body))
    assert answer.status_code == 202, answer.text
    work(world)
    (case,) = cases(world)
    policy = world.runtime.policy
    assert case.summary == "Intranet home page returns 503"
    assert (case.service_key, case.urgency, case.impact_answers) == (UNKNOWN, UNKNOWN, {})
    assert case.group_key == policy.service_desk_group


def _huge() -> bytes:
    body = sample("alertmanager")
    body["commonAnnotations"]["description"] = "x" * (1024 * 1024)
    return json.dumps(body).encode()


def _without_fingerprint() -> dict[str, Any]:
    body = sample("alertmanager")
    del body["alerts"][0]["fingerprint"]
    return body


def _generic_with(**extra: Any) -> dict[str, Any]:
    return {**sample("generic"), **extra}


BAD: list[Any] = [
    pytest.param(
        "alertmanager",
        sample("alertmanager"),
        None,
        {},
        401,
        {"error": "send Authorization: Bearer <token>"},
        id="no token",
    ),
    pytest.param(
        "alertmanager",
        sample("alertmanager"),
        "wrong",
        {},
        401,
        {"error": "the token is not one this desk knows"},
        id="wrong token",
    ),
    pytest.param(
        "alertmanager",
        sample("alertmanager"),
        TOKENS["grafana"],
        {},
        401,
        {"error": "the token is not one this desk knows"},
        id="another source's token",
    ),
    pytest.param(
        "alertmanager",
        b"{not json",
        "",
        {},
        400,
        {
            "error": "not JSON (Expecting property name enclosed in double quotes: line 1 column 2 "
            "(char 1))",
            "field": "body",
        },
        id="non-JSON",
    ),
    pytest.param(
        "alertmanager",
        _without_fingerprint(),
        "",
        {},
        400,
        {"error": "missing", "field": "alerts[0].fingerprint"},
        id="missing field",
    ),
    pytest.param(
        "alertmanager",
        {**sample("alertmanager"), "version": "3"},
        "",
        {},
        400,
        {"error": "Input should be '4'", "field": "version"},
        id="another payload version",
    ),
    pytest.param(
        "alertmanager",
        _huge(),
        "",
        {},
        413,
        {"error": "the body is over 1048576 bytes; send fewer alerts per request"},
        id="huge body",
    ),
    pytest.param(
        "generic",
        _generic_with(sevrity="critical"),
        "",
        {},
        400,
        {
            "error": "unknown field (the generic format takes source, fingerprint, status, "
            "summary, description, service, severity, labels, url)",
            "field": "sevrity",
        },
        id="generic unknown field",
    ),
    pytest.param(
        "generic",
        _generic_with(status="burning"),
        "",
        {},
        400,
        {"error": "Input should be 'firing' or 'resolved'", "field": "status"},
        id="generic bad status",
    ),
]


@pytest.mark.parametrize(("kind", "payload", "token", "headers", "status", "body"), BAD)
def test_intake_1_bad_requests_get_their_own_answer_and_record_nothing(
    world: World,
    monitoring: Monitoring,
    kind: str,
    payload: Any,
    token: str | None,
    headers: dict[str, str],
    status: int,
    body: dict[str, str],
) -> None:
    answer = monitoring.post(kind, payload, token=token, headers=headers)
    assert (answer.status_code, answer.json()) == (status, body)
    assert _stored(world) == 0 and cases(world) == []


def test_intake_1_unknown_alertmanager_fields_are_accepted_and_ignored(
    world: World, monitoring: Monitoring
) -> None:
    body = {**sample("alertmanager"), "futureField": {"x": 1}}
    assert monitoring.post("alertmanager", body).status_code == 202


SignedCase = Callable[[bytes], dict[str, str]]


@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(
            lambda b: signed(TOKENS["generic"], b, at=time.time() - 301),
            "X-Casedesk-Timestamp is 301 s from now; at most 300 s allowed",
            id="expired",
        ),
        pytest.param(
            lambda b: signed("another secret", b),
            "X-Casedesk-Signature does not match the body",
            id="wrong secret",
        ),
        pytest.param(
            lambda b: signed(TOKENS["generic"], b + b" "),
            "X-Casedesk-Signature does not match the body",
            id="body changed",
        ),
    ],
)
def test_intake_1_a_bad_hmac_signature_is_refused(
    world: World, monitoring: Monitoring, make: SignedCase, error: str
) -> None:
    body = json.dumps(sample("generic")).encode()
    answer = monitoring.post("generic", body, token=None, headers=make(body))
    assert (answer.status_code, answer.json()) == (401, {"error": error})
    assert _stored(world) == 0


def test_intake_1_a_replayed_signed_body_is_refused(world: World, monitoring: Monitoring) -> None:
    body = json.dumps(sample("generic")).encode()
    headers = signed(TOKENS["generic"], body)
    assert monitoring.post("generic", body, token=None, headers=headers).status_code == 202
    again = monitoring.post("generic", body, token=None, headers=headers)
    assert (again.status_code, again.json()) == (
        401,
        {"error": "this signed body was received before; sign it anew"},
    )
    assert _stored(world) == 1


def test_intake_1_only_post_and_known_kinds(monitoring: Monitoring) -> None:
    assert requests.get(f"{monitoring.url}/alerts/alertmanager", timeout=5).status_code == 405
    missing = requests.post(f"{monitoring.url}/alerts/nagios", data=b"{}", timeout=5)
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "no alert source of kind 'nagios' is configured"},
    )


def test_intake_1_labels_with_markup_or_channel_mentions_are_stored_plain_and_posted_escaped(
    world: World, monitoring: Monitoring
) -> None:
    body = sample("alertmanager")
    body["alerts"][0]["labels"]["instance"] = "<!channel> @here <b>mx1</b> & co"
    body["alerts"][0]["annotations"]["summary"] = (
        "ping @everyone <https://evil.example|click> &lt;!here&gt;"
    )
    assert monitoring.post("alertmanager", body).status_code == 202
    work(world)
    (case,) = cases(world)
    assert case.summary == (
        "MailQueueBacklog on \uff20channel \uff20here <b>mx1</b> & co: ping \uff20everyone click "
        "(https://evil.example) \uff20here"
    )
    queue = world.runtime.policy.groups[case.group_key or ""].queue_channel
    (card,) = texts(world, queue)
    assert "<!channel>" not in card and "@here" not in card and "<b>" not in card
    assert "&lt;b&gt;mx1&lt;/b&gt; &amp; co" in card


def test_intake_1_a_database_that_does_not_answer_gets_503_and_the_sender_retries(
    world: World, monitoring: Monitoring
) -> None:
    """The edge fails, not the bot: the database refuses the INSERT; nothing is stored, and the
    answer tells Alertmanager to retry (it retries any 5xx)."""
    from sqlalchemy.exc import OperationalError

    def refused(**_: object) -> int:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    world.runtime.desk.alerts.accept = refused  # type: ignore[method-assign]
    answer = monitoring.post("alertmanager", sample("alertmanager"))
    assert (answer.status_code, answer.headers["Retry-After"], answer.json()) == (
        503,
        "5",
        {"error": "the desk's database is not answering; send it again"},
    )
    assert _stored(world) == 0
