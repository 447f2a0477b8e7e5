"""The three payload formats as typed values: Alertmanager's webhook (version 4), Grafana's
webhook contact point and the desk's own generic format. A payload that does not parse names
the field ("alerts[0].fingerprint") so the sender can fix it.

Unknown fields: Alertmanager and Grafana add fields between releases (`truncatedAlerts`,
`orgId`, `values`...), so theirs are accepted and ignored. The generic format is ours, and a
misspelt field there ("sevrity") would silently lose what it said, so it is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

Status = Literal["firing", "resolved"]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Fingerprint = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Labels = dict[
    Annotated[str, StringConstraints(max_length=200)], Annotated[str, Field(max_length=10_000)]
]
# Alertmanager writes a zero time for "not ended yet".
_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)


class PayloadError(ValueError):
    """The body is not what the endpoint takes; `field` says where."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True, kw_only=True)
class AlertIn:
    """One alert of a notification, whatever format it came in."""

    fingerprint: str
    status: Status
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    url: str = ""
    links: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "") or self.annotations.get("summary", "")


@dataclass(frozen=True, kw_only=True)
class Notification:
    """One POST: the group it is about and its alerts."""

    kind: str
    group_key: str
    alerts: tuple[AlertIn, ...]
    group_labels: dict[str, str]
    common_labels: dict[str, str]
    common_annotations: dict[str, str]
    title: str = ""
    message: str = ""
    link: str = ""

    @property
    def group_hash(self) -> str:
        return hashlib.sha256(self.group_key.encode()).hexdigest()

    @property
    def firing(self) -> tuple[AlertIn, ...]:
        return tuple(a for a in self.alerts if a.status == "firing")


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _AmAlert(_Loose):
    status: Status
    labels: Labels
    annotations: Labels = Field(default_factory=dict)
    startsAt: datetime | None = None
    endsAt: datetime | None = None
    generatorURL: str = ""
    fingerprint: Fingerprint


class _Alertmanager(_Loose):
    version: Literal["4"]
    groupKey: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    status: Status
    receiver: str = ""
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[_AmAlert] = Field(min_length=1)


class _GrafanaAlert(_AmAlert):
    dashboardURL: str = ""
    panelURL: str = ""
    silenceURL: str = ""


class _Grafana(_Loose):
    groupKey: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    status: Status
    receiver: str = ""
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: str = ""
    title: str = ""
    message: str = ""
    state: str = ""
    alerts: list[_GrafanaAlert] = Field(min_length=1)


class _Generic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Name
    fingerprint: Fingerprint
    status: Status
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    description: Annotated[str, Field(max_length=10_000)] = ""
    service: Annotated[str, Field(max_length=200)] = ""
    severity: Annotated[str, Field(max_length=50)] = ""
    labels: Labels = Field(default_factory=dict)
    url: Annotated[str, Field(max_length=2_000)] = ""


def decode(body: bytes) -> dict[str, Any]:
    """The body's JSON object, or PayloadError."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError("body", f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PayloadError("body", "expected a JSON object")
    return data


def parse_data(kind: str, data: dict[str, Any]) -> Notification:
    """The decoded body as a Notification, or PayloadError naming the field."""
    try:
        if kind == "alertmanager":
            return _from_alertmanager(_Alertmanager.model_validate(data))
        if kind == "grafana":
            return _from_grafana(_Grafana.model_validate(data))
        return _from_generic(_Generic.model_validate(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        raise PayloadError(_where(error["loc"]), _say(error)) from None


def _where(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _say(error: Any) -> str:
    if error["type"] == "missing":
        return "missing"
    if error["type"] == "extra_forbidden":
        return (
            "unknown field (the generic format takes source, fingerprint, status, summary, "
            "description, service, severity, labels, url)"
        )
    return str(error["msg"])


def _when(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None if moment <= _ZERO_TIME else moment.astimezone(UTC)


def _from_alertmanager(p: _Alertmanager) -> Notification:
    return Notification(
        kind="alertmanager",
        group_key=p.groupKey,
        alerts=tuple(
            AlertIn(
                fingerprint=a.fingerprint,
                status=a.status,
                labels=dict(a.labels),
                annotations=dict(a.annotations),
                starts_at=_when(a.startsAt),
                ends_at=_when(a.endsAt),
                url=a.generatorURL,
                links=_links(("Source", a.generatorURL)),
            )
            for a in p.alerts
        ),
        group_labels=dict(p.groupLabels),
        common_labels=dict(p.commonLabels),
        common_annotations=dict(p.commonAnnotations),
        link=p.externalURL,
    )


def _from_grafana(p: _Grafana) -> Notification:
    return Notification(
        kind="grafana",
        group_key=p.groupKey,
        alerts=tuple(
            AlertIn(
                fingerprint=a.fingerprint,
                status=a.status,
                labels=dict(a.labels),
                annotations=dict(a.annotations),
                starts_at=_when(a.startsAt),
                ends_at=_when(a.endsAt),
                url=a.generatorURL,
                links=_links(
                    ("Rule", a.generatorURL),
                    ("Dashboard", a.dashboardURL),
                    ("Panel", a.panelURL),
                    ("Silence", a.silenceURL),
                ),
            )
            for a in p.alerts
        ),
        group_labels=dict(p.groupLabels),
        common_labels=dict(p.commonLabels),
        common_annotations=dict(p.commonAnnotations),
        title=p.title,
        message=p.message,
        link=p.externalURL,
    )


def _from_generic(p: _Generic) -> Notification:
    labels = {**p.labels, "source": p.source}
    labels |= {k: v for k, v in (("service", p.service), ("severity", p.severity)) if v}
    annotations = {
        "summary": p.summary,
        **({"description": p.description} if p.description else {}),
    }
    alert = AlertIn(
        fingerprint=p.fingerprint,
        status=p.status,
        labels=labels,
        annotations=annotations,
        starts_at=None,
        ends_at=None,
        url=p.url,
        links=_links(("Source", p.url)),
    )
    return Notification(
        kind="generic",
        group_key=f"{p.source}\n{p.fingerprint}",
        alerts=(alert,),
        group_labels={"source": p.source},
        common_labels=labels,
        common_annotations=annotations,
    )


def _links(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((name, url) for name, url in pairs if url.startswith(("http://", "https://")))
