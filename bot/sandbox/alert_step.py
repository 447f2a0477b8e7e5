"""The sandbox's `alert` step: monitoring posting to the bot, as shorthand or as a whole JSON
payload, through the same endpoint code as a real POST (token, size, parse, durable queue),
then the alert worker's turn.

    alert firing MailQueueBacklog instance=mx1 job=postfix-exporter -- 4,200 messages queued
    alert resolved MailQueueBacklog instance=mx1 job=postfix-exporter
    alert grafana {"receiver": "casedesk", "status": "firing", ...}

Shorthand is an Alertmanager notification (version 4) grouped by alertname; the alert's
fingerprint is its labels', as Alertmanager's is.
"""

from __future__ import annotations

import hashlib
import io
import json
import shlex
from datetime import datetime
from typing import Any

from bot.alerts.receive import AlertReceiver, Answer
from bot.desk.alerts import Worked
from bot.sandbox.driver import SandboxError

USAGE = (
    "write it as: alert firing|resolved <alertname> [label=value ...] [-- summary], "
    "or alert alertmanager|grafana|generic <JSON>"
)


def shorthand(words: str, *, now: datetime) -> tuple[str, dict[str, Any]]:
    """The kind and payload a step line stands for."""
    head, _, rest = words.strip().partition(" ")
    if head in ("alertmanager", "grafana", "generic"):
        try:
            payload = json.loads(rest)
        except json.JSONDecodeError as exc:
            raise SandboxError(f"that JSON does not parse: {exc}") from None
        return head, payload
    if head not in ("firing", "resolved"):
        raise SandboxError(USAGE)
    labels_part, _, summary = rest.partition(" -- ")
    parts = shlex.split(labels_part)
    if not parts:
        raise SandboxError(USAGE)
    labels = {"alertname": parts[0]}
    for part in parts[1:]:
        key, sep, value = part.partition("=")
        if not sep:
            raise SandboxError(f"{part!r} is not label=value. {USAGE}")
        labels[key] = value
    fingerprint = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
    stamp = now.isoformat().replace("+00:00", "Z")
    alert = {
        "status": head,
        "labels": labels,
        "annotations": {"summary": summary.strip()} if summary.strip() else {},
        "startsAt": stamp,
        "endsAt": stamp if head == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.sandbox:9090/graph",
        "fingerprint": fingerprint,
    }
    return "alertmanager", {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{labels["alertname"]}"}}',
        "status": head,
        "receiver": "casedesk",
        "groupLabels": {"alertname": labels["alertname"]},
        "commonLabels": labels,
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.sandbox:9093",
        "alerts": [alert],
    }


def post(receiver: AlertReceiver, kind: str, payload: dict[str, Any]) -> Answer:
    """POST it as the first source of that kind would, with its bearer token."""
    source = next(
        (
            s
            for s in (receiver.alerts.sources.values() if receiver.alerts else [])
            if s.kind == kind
        ),
        None,
    )
    body = json.dumps(payload).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {receiver.tokens.get(source.key, '') if source else ''}",
        "wsgi.input": io.BytesIO(body),
    }
    return receiver.answer(kind, environ)


def described(answer: Answer, worked: list[Worked]) -> str:
    """What monitoring heard, and what the desk made of it, in one line."""
    if answer.status != 202:
        field = f"{answer.body['field']}: " if "field" in answer.body else ""
        return f"monitoring got {answer.status}: {field}{answer.body.get('error', '')}"
    heard = f"monitoring got 202 (notification {answer.body['notification']})"
    made = [_made(w) for w in worked if w.case_number is not None]
    return f"{heard}; {', '.join(made) if made else 'no open case for it'}"


def _made(worked: Worked) -> str:
    if worked.opened:
        return f"opened CASE-{worked.case_number}"
    if worked.changed:
        return f"updated CASE-{worked.case_number}"
    return f"a repeat for CASE-{worked.case_number}: nothing new, nobody told"
