"""Webhook deliveries (BCAST-3): a JSON POST of the announcement and the incident (the
status.json shape), signed so the receiver knows it came from this desk and is fresh:
`X-Casedesk-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>:<body>">` under the
subscriber's secret, `X-Casedesk-Timestamp` in Unix seconds, and an `Idempotency-Key` that is
the same on every attempt of one notice, so a receiver that saw it already can drop a retry.
Redirects are not followed; anything but a 2xx answer in time is tried again (after the
receiver's Retry-After, when it gives one in seconds)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from bot.dispatcher import Retry

USER_AGENT = "Casedesk-Webhook/1"
ANSWER_LIMIT = 2048  # what is read of the receiver's answer (for the error)
RETRY_AFTER_MAX = 3600  # a receiver's Retry-After is honoured up to an hour


def body_of(
    notice_key: str, kind: str, at: str | None, text: str, incident: dict[str, Any]
) -> bytes:
    """The bytes posted, built once per notice: the same on every attempt."""
    document = {
        "version": 1,
        "event": f"incident.{kind}",
        "notice": {"id": notice_key, "kind": kind, "at": at, "text": text},
        "incident": incident,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}:".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def post(
    url: str,
    body: bytes,
    *,
    secret: str,
    idempotency_key: str,
    kind: str,
    timestamp: int,
    timeout: float,
) -> int:
    """POST once; the HTTP status of a 2xx answer, else Retry with what went wrong."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Casedesk-Event": f"incident.{kind}",
        "X-Casedesk-Timestamp": str(timestamp),
        "X-Casedesk-Signature": signature(secret, timestamp, body),
        "Idempotency-Key": idempotency_key,
    }
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(ANSWER_LIMIT)
    except TimeoutError:
        raise Retry(f"no answer within {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as exc:
        raise Retry(f"connection failed: {type(exc).__name__}: {exc}") from None
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status
    detail = answer.decode(errors="replace").strip()[:200]
    wait = response.getheader("Retry-After", "")
    after = float(min(int(wait), RETRY_AFTER_MAX)) if wait.isdigit() else None
    raise Retry(f"HTTP {response.status}{f': {detail}' if detail else ''}", after=after)
