"""The status page's three addresses (BCAST-2): `/status` (HTML), `/status.json` and
`/status.atom`, with ETag and Last-Modified answered by 304, and the shared token checked when
status.yml keeps the page internal. bot/serve.py routes these paths here."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from sqlalchemy import func, select

from bot.clock import Clock
from bot.serve_types import StartResponse
from bot.status.cache import RECHECK_SECONDS, RenderCache, Representation, Snapshot
from bot.status.document import status_document
from bot.status.feed import atom_feed
from bot.status.incidents import rfc3339
from bot.status.page import CONTENT_SECURITY_POLICY, status_page
from config.policy import Policy
from store.db import Database
from store.models import CaseEvent, Change

ICON = "/status/favicon.svg"
LONGEST_SNAPSHOT = timedelta(hours=1)  # a snapshot is rebuilt at least hourly, come what may
# An HTTP date counts whole seconds, and a transaction is stamped when it starts, not when it
# commits: a Last-Modified is sent only once its second is this far behind, so a reader who
# revalidates with If-Modified-Since never holds a date that a later change could share.
SETTLED = timedelta(seconds=2)
PATHS = frozenset({"/status", "/status.json", "/status.atom", ICON})
HTML = "text/html; charset=utf-8"
JSON = "application/json"
ATOM = "application/atom+xml; charset=utf-8"


class Fingerprint(NamedTuple):
    newest_event: int | None
    newest_change: int | None
    newest_removal: datetime | None
    newest_event_at: datetime | None
    newest_change_at: datetime | None


class StatusSite:
    """The WSGI app for PATHS."""

    def __init__(
        self,
        *,
        db: Database,
        policy: Policy,
        clock: Clock,
        environ: Mapping[str, str] = os.environ,
        recheck: float = RECHECK_SECONDS,
    ) -> None:
        self.db, self.policy, self.clock = db, policy, clock
        self.token = policy.status_page.token(environ)  # PolicyError at start when unset
        self.zone = policy.calendars[policy.default_calendar].timezone
        self.cache = RenderCache(
            fingerprint=self._fingerprint,
            build=self._build,
            recheck=recheck,
            seconds=lambda: clock.now().timestamp(),  # the sandbox's and tests' time moves it
        )
        self.kinds: dict[str, tuple[str, Callable[[dict[str, Any]], bytes]]] = {
            "/status": (HTML, self._page),
            "/status.json": (JSON, _json),
            "/status.atom": (ATOM, lambda doc: atom_feed(doc, author=policy.desk_name)),
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _plain(
                start_response, "405 Method Not Allowed", "Use GET.", [("Allow", "GET, HEAD")]
            )
        path = environ.get("PATH_INFO", "")
        if path == ICON:  # a file as it is (the same for everyone, token or not)
            return _icon(environ, start_response, head=method == "HEAD")
        if not self._allowed(environ):
            return _refused(start_response)
        content_type, draw = self.kinds[path]
        snapshot = self.cache.current()
        found = snapshot.render(path, content_type, draw)
        packed = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        body, etag = (found.gzipped, found.gzip_etag) if packed else (found.body, found.etag)
        headers = self._headers(found, snapshot, etag=etag, html=path == "/status")
        if _not_modified(environ, etag, snapshot.last_modified, now=self.clock.now()):
            start_response("304 Not Modified", headers)
            return [b""]
        if packed:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [b""] if method == "HEAD" else [body]

    def _allowed(self, environ: dict[str, Any]) -> bool:
        if self.token is None:
            return True
        given = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith("bearer "):
            given = header[7:].strip()
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _headers(
        self, found: Representation, snapshot: Snapshot, *, etag: str, html: bool
    ) -> list[tuple[str, str]]:
        headers = [("Content-Type", found.content_type), ("ETag", etag)]
        if _settled(snapshot.last_modified, now=self.clock.now()):
            headers.append(("Last-Modified", format_datetime(snapshot.last_modified, usegmt=True)))
        headers += [
            # Readers revalidate every time (a 304 is cheap): a status page is never stale.
            ("Cache-Control", "private, no-cache" if self.token else "public, no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
        if html:
            headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        elif self.token is None:
            headers.append(("Access-Control-Allow-Origin", "*"))  # dashboards read the feeds
        headers.append(
            ("Vary", "Accept-Encoding, Authorization" if self.token else "Accept-Encoding")
        )
        return headers

    def _page(self, document: dict[str, Any]) -> bytes:
        return status_page(document, zone=self.zone, token=self.token).encode()

    def _fingerprint(self) -> Fingerprint:
        """What the page reads from the database: the newest timeline row and schedule change,
        with when each was made. (What time alone changes is each snapshot's `expires_at`.)"""
        newest_event = select(func.max(CaseEvent.id)).scalar_subquery()
        newest_change = select(func.max(Change.id)).scalar_subquery()
        with self.db.reading() as session:
            row = session.execute(
                select(
                    newest_event,
                    newest_change,
                    select(func.max(Change.removed_at)).scalar_subquery(),
                    select(CaseEvent.at).where(CaseEvent.id == newest_event).scalar_subquery(),
                    select(Change.created_at).where(Change.id == newest_change).scalar_subquery(),
                )
            ).one()
        return Fingerprint(*row)

    def _build(self, key: Fingerprint) -> Snapshot:
        now = self.clock.now()
        with self.db.reading() as session:
            document = status_document(session, self.policy, now=now)
        moments = time_boundaries(document, resolved_for=self.policy.status_page.resolved_for)
        announced = [_moment(u["at"]) for i in document["incidents"] for u in i["updates"]]
        passed = [*announced, *(m for m in moments if m <= now)]
        # The newest change shown, so every process renders the same state to the same bytes.
        changed = max(passed) if passed else now.replace(minute=0, second=0, microsecond=0)
        document["generated_at"] = rfc3339(changed)
        ahead = [m for m in moments if m > now]
        expires = min([*ahead, now + LONGEST_SNAPSHOT])
        # Last-Modified covers every change the page could show (a state, a title, a schedule
        # edit), not only the announcements: the newest of the rows the fingerprint saw. Any
        # change that alters the bytes moves it, so If-Modified-Since never hides one.
        stamps = (key.newest_event_at, key.newest_change_at, key.newest_removal)
        modified = max([changed, *(s for s in stamps if s is not None)])
        return Snapshot(
            key=key, document=document, last_modified=modified, expires_at=expires.timestamp()
        )


def time_boundaries(document: dict[str, Any], *, resolved_for: timedelta) -> list[datetime]:
    """The moments at which time alone changes the page: planned work starts and ends, a next
    update falls due (overdue), a resolved incident leaves the page."""
    found = []
    for window in document["planned"]:
        found += [_moment(window["starts_at"]), _moment(window["ends_at"])]
    for incident in document["incidents"]:
        if incident["next_update_due"] is not None:
            found.append(_moment(incident["next_update_due"]))
        if incident["resolved_at"] is not None:
            found.append(_moment(incident["resolved_at"]) + resolved_for)
    return found


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


_ICON_BODY = (Path(__file__).parent / "favicon.svg").read_bytes()
_ICON_TAG = '"' + hashlib.sha256(_ICON_BODY).hexdigest()[:32] + '"'


def _icon(environ: dict[str, Any], start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
    """The page's icon, a static file: the benchmark's baseline for this server's own cost."""
    headers = [
        ("Content-Type", "image/svg+xml"),
        ("ETag", _ICON_TAG),
        ("Cache-Control", "public, max-age=86400"),
    ]
    if environ.get("HTTP_IF_NONE_MATCH") == _ICON_TAG:
        start_response("304 Not Modified", headers)
        return [b""]
    start_response("200 OK", [*headers, ("Content-Length", str(len(_ICON_BODY)))])
    return [b""] if head else [_ICON_BODY]


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _settled(last_modified: datetime, *, now: datetime) -> bool:
    """Whether `last_modified` can be sent: its whole second is SETTLED behind `now`."""
    return last_modified.replace(microsecond=0) + SETTLED <= now


def _not_modified(
    environ: dict[str, Any], etag: str, last_modified: datetime, *, now: datetime
) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since, which can only
    name a Last-Modified that was sent, so none while the newest change is not yet settled."""
    wanted = environ.get("HTTP_IF_NONE_MATCH")
    if wanted is not None:
        tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
        return "*" in tags or etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if not since or not _settled(last_modified, now=now):
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= moment


def _plain(
    start_response: StartResponse, status: str, text: str, extra: list[tuple[str, str]]
) -> Iterable[bytes]:
    data = text.encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data))), *extra],
    )
    return [data]


def _refused(start_response: StartResponse) -> Iterable[bytes]:
    return _plain(
        start_response,
        "401 Unauthorized",
        "This status page is for the organisation's staff: open it with the link the service "
        "desk shared (it carries ?token=...), or send the token as 'Authorization: Bearer'.",
        [("WWW-Authenticate", 'Bearer realm="status"'), ("Cache-Control", "no-store")],
    )
