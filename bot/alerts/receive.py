"""The `/alerts/<kind>` endpoints: authenticate, check the size, parse, and store the
notification durably before answering 202; the alert worker makes the cases afterwards, so the
answer is fast and a process that dies after it loses nothing.

Answers are JSON: 202 `{"accepted": true, "notification": id}`; 401 for no or a wrong token, an
expired or bad signature, or a replayed signed body; 400 naming the field; 413 over 1 MB; 404
for a kind no source of alerts.yml has; 405 for anything but POST; 503 with Retry-After when the
database does not answer (nothing was stored; the sender retries).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.alerts.payloads import PayloadError, decode, parse_data
from bot.clock import Clock
from bot.desk.alerts import AlertsArea, Replayed
from bot.errors import is_database_outage
from bot.serve_types import StartResponse
from config.alerts_policy import AlertsFile, Source

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
TOLERANCE_SECONDS = 300
KINDS = ("alertmanager", "grafana", "generic")
SANDBOX_TOKEN = "sandbox-alerts-{key}"


def tokens_from(
    alerts: AlertsFile | None, environ: Mapping[str, str], *, sandbox: bool
) -> dict[str, str]:
    """Each source's token from the variable alerts.yml names. A source without one refuses
    every request (401) and is named in the log; the sandbox gives each a known token."""
    found: dict[str, str] = {}
    for key, source in (alerts.sources if alerts else {}).items():
        token = environ.get(source.token_env, "").strip()
        if not token and sandbox:
            token = SANDBOX_TOKEN.format(key=key)
        if not token:
            log.warning(
                "alerts source %s: %s is not set, so its alerts are refused (401)",
                key,
                source.token_env,
            )
            continue
        found[key] = token
    return found


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


_REASONS = {
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    503: "Service Unavailable",
}


class AlertReceiver:
    """What the web app calls for `/alerts/<kind>`."""

    def __init__(
        self, area: AlertsArea, alerts: AlertsFile | None, tokens: dict[str, str], clock: Clock
    ) -> None:
        self.area, self.alerts, self.tokens, self.clock = area, alerts, tokens, clock

    def __call__(
        self, kind: str, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        answer = self.answer(kind, environ)
        data = json.dumps(answer.body).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        if answer.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="casedesk-alerts"'))
        if answer.status == 503:
            headers.append(("Retry-After", "5"))  # Alertmanager and Grafana retry a 5xx
        start_response(f"{answer.status} {_REASONS[answer.status]}", headers)
        return [data]

    def answer(self, kind: str, environ: dict[str, Any]) -> Answer:
        sources = self._sources(kind)
        if not sources:
            return Answer(404, {"error": f"no alert source of kind {kind!r} is configured"})
        if environ.get("REQUEST_METHOD") != "POST":
            return Answer(405, {"error": "POST the notification"})
        length = _length(environ)
        if length is not None and length > MAX_BODY:
            return _too_large()
        source = self._bearer(environ, sources)
        if source is None and kind != "generic":
            return _unauthorized(environ)
        body = environ["wsgi.input"].read(MAX_BODY + 1 if length is None else length)
        if len(body) > MAX_BODY:
            return _too_large()
        signature = None
        if source is None:
            checked = self._signed(environ, body, sources)
            if isinstance(checked, Answer):
                return checked
            source, signature = checked
        try:
            data = decode(body)
            notification = parse_data(kind, data)
        except PayloadError as exc:
            return Answer(400, {"error": exc.message, "field": exc.field})
        lane = f"{source.key}:{notification.group_hash[:40]}"
        try:
            accepted = self.area.accept(
                source=source.key, lane=lane, body=data, signature=signature
            )
        except Replayed:
            return Answer(401, {"error": "this signed body was received before; sign it anew"})
        except Exception as exc:
            if not is_database_outage(exc):
                raise
            log.warning("alert not stored, the database did not answer: %s", exc)
            return Answer(503, {"error": "the desk's database is not answering; send it again"})
        return Answer(202, {"accepted": True, "notification": accepted})

    def _sources(self, kind: str) -> list[Source]:
        if self.alerts is None or kind not in KINDS:
            return []
        return [s for s in self.alerts.sources.values() if s.kind == kind]

    def _bearer(self, environ: dict[str, Any], sources: list[Source]) -> Source | None:
        given = str(environ.get("HTTP_AUTHORIZATION", ""))
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self._by_token(token.strip().encode(), sources)

    def _by_token(self, token: bytes, sources: list[Source]) -> Source | None:
        found = None
        for source in sources:  # every one compared, in constant time
            expected = self.tokens.get(source.key)
            if expected is not None and hmac.compare_digest(expected.encode(), token):
                found = source
        return found

    def _signed(
        self, environ: dict[str, Any], body: bytes, sources: list[Source]
    ) -> tuple[Source, str] | Answer:
        """HMAC-SHA256 over `timestamp:body` with a source's token, within five minutes."""
        stamp = str(environ.get("HTTP_X_CASEDESK_TIMESTAMP", "")).strip()
        signature = str(environ.get("HTTP_X_CASEDESK_SIGNATURE", "")).strip()
        if not stamp or not signature:
            return _unauthorized(environ)
        if not stamp.isdigit():
            return Answer(401, {"error": "X-Casedesk-Timestamp must be Unix seconds"})
        age = abs(self.clock.now().timestamp() - int(stamp))
        if age > TOLERANCE_SECONDS:
            return Answer(
                401,
                {"error": f"X-Casedesk-Timestamp is {int(age)} s from now; at most 300 s allowed"},
            )
        for source in sources:
            token = self.tokens.get(source.key)
            if token is None:
                continue
            mac = hmac.new(token.encode(), stamp.encode() + b":" + body, hashlib.sha256)
            if hmac.compare_digest(f"sha256={mac.hexdigest()}", signature):
                return source, signature[:80]
        return Answer(401, {"error": "X-Casedesk-Signature does not match the body"})


def _length(environ: dict[str, Any]) -> int | None:
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(raw) if raw.isdigit() else None


def _too_large() -> Answer:
    return Answer(
        413, {"error": f"the body is over {MAX_BODY} bytes; send fewer alerts per request"}
    )


def _unauthorized(environ: dict[str, Any]) -> Answer:
    if environ.get("HTTP_AUTHORIZATION"):
        return Answer(401, {"error": "the token is not one this desk knows"})
    return Answer(401, {"error": "send Authorization: Bearer <token>"})


def receiver_from(
    area: AlertsArea, alerts: AlertsFile | None, clock: Clock, *, sandbox: bool
) -> AlertReceiver:
    return AlertReceiver(area, alerts, tokens_from(alerts, os.environ, sandbox=sandbox), clock)
