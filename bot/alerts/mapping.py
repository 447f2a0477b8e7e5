"""What case an alert group becomes (INTAKE-1): the first rule of alerts.yml whose matchers
hold gives service, category, impact answers and urgency; no rule leaves them "I don't know"
for the desk to classify. Every path records the same IntakeFields, so an alert's case is
recorded, classified and routed like any other."""

from __future__ import annotations

import re

from bot.alerts.payloads import AlertIn, Notification
from bot.intake_fields import LONG_TEXT_MAX, SUMMARY_MAX, IntakeFields
from bot.text import clip, plain
from bot.vocabulary import UNKNOWN
from config.alerts_policy import PLACEHOLDER, Rule, Source

CHANNEL = "monitoring"  # the contact channel of every alert's case
_BROADCAST = re.compile(r"(?<![\w@])@(here|channel|everyone)\b", re.IGNORECASE)
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
_LEFTOVER = re.compile(r"\(\s*\)|\[\s*\]")


def defused(text: str) -> str:
    """Plain text that can never notify a whole channel: Slack markup made plain, and @here,
    @channel or @everyone written with a full-width at sign (it reads the same)."""
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), plain(text))  # "&lt;!here&gt;" comes out so
    return _BROADCAST.sub(lambda m: "\uff20" + m.group(1), text)


def labels_of(notification: Notification) -> dict[str, str]:
    """What the rules match: the group's common labels and its first firing alert's own."""
    first = (notification.firing or notification.alerts)[0]
    return {**notification.common_labels, **first.labels}


def rule_for(rules: tuple[Rule, ...], labels: dict[str, str]) -> Rule | None:
    for rule in rules:
        if all(labels.get(k) == v for k, v in rule.match.items()) and all(
            re.fullmatch(p, labels.get(k, "")) for k, p in rule.match_re.items()
        ):
            return rule
    return None


def fill(template: str, labels: dict[str, str], annotations: dict[str, str]) -> str:
    """The template with its placeholders filled; an empty one leaves no stray punctuation."""

    def value(match: re.Match[str]) -> str:
        where, _, name = match.group(1).partition(".")
        return defused((labels if where == "labels" else annotations).get(name, ""))

    text = _LEFTOVER.sub("", PLACEHOLDER.sub(value, template))
    return re.sub(r"\s+", " ", text).strip(" :-–,;")


def summary_of(notification: Notification, rule: Rule | None, source: Source) -> str:
    first = (notification.firing or notification.alerts)[0]
    annotations = {**notification.common_annotations, **first.annotations}
    labels = labels_of(notification)
    text = fill(rule.summary, labels, annotations) if rule is not None else ""
    text = text or notification.title or annotations.get("summary", "") or first.name
    return clip(defused(text or f"Alert from {source.key}"), SUMMARY_MAX)


def intake_fields(
    notification: Notification, rules: tuple[Rule, ...], source: Source
) -> IntakeFields:
    """The case an alert group opens, as every intake path records it."""
    labels = labels_of(notification)
    rule = rule_for(rules, labels)
    severity = labels.get(rule.severity_label, "") if rule else ""
    return IntakeFields(
        summary=summary_of(notification, rule, source),
        description=clip(description_of(notification, source), LONG_TEXT_MAX),
        requester_id=source.requester,
        reporter_id=source.requester,
        contact_channel=CHANNEL,
        contact_notes=clip(f"Alert source: {source.key} ({source.kind})", LONG_TEXT_MAX),
        service=(rule.service if rule and rule.service else UNKNOWN),
        category=(rule.category if rule and rule.category else UNKNOWN),
        impact_answers=dict(rule.impact) if rule else {},
        urgency=(rule.urgency.get(severity, UNKNOWN) if rule else UNKNOWN),
        evidence=clip(links_of(notification), LONG_TEXT_MAX),
    )


def alert_line(alert: AlertIn) -> str:
    """One alert in a line: its name, where, and what it says."""
    where = alert.labels.get("instance") or alert.labels.get("site") or ""
    said = alert.annotations.get("summary", "")
    parts = [alert.name or alert.fingerprint, f"on {where}" if where else "", said and f"– {said}"]
    return defused(" ".join(p for p in parts if p))


def description_of(notification: Notification, source: Source) -> str:
    first = (notification.firing or notification.alerts)[0]
    about = (
        notification.message
        or notification.common_annotations.get("description", "")
        or first.annotations.get("description", "")
    )
    grouped = ", ".join(f"{k}={v}" for k, v in sorted(notification.group_labels.items()))
    lines = [defused(about)] if about else []
    lines.append(f"Alert group from {source.key}" + (f": {defused(grouped)}" if grouped else ""))
    lines += [f"• {alert_line(a)}" for a in notification.firing]
    labels = ", ".join(f"{k}={v}" for k, v in sorted(labels_of(notification).items()))
    lines.append(f"Labels: {defused(labels)}")
    return "\n".join(lines)


def links_of(notification: Notification) -> str:
    seen: list[str] = []
    for alert in notification.alerts:
        for name, url in alert.links:
            line = f"{name}: {url}"
            if line not in seen:
                seen.append(line)
    if notification.link.startswith(("http://", "https://")):
        seen.append(f"Monitoring: {notification.link}")
    return "\n".join(seen)
