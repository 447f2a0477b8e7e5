"""The status page's subscription endpoints (BCAST-3), routed from bot/serve.py:

- `POST /status/subscribe` (form: `email`, repeated `service`): queues the confirmation mail;
- `GET /status/confirm?token=` shows a Confirm button, `POST` confirms (double opt-in);
- `GET /status/unsubscribe?token=` shows an Unsubscribe button, `POST` unsubscribes: the
  one-click POST of RFC 8058 (`List-Unsubscribe=One-Click`) works the same way.

A GET never changes anything, so a mail scanner that follows links cannot (un)subscribe anyone.
Every answer is a small page in plain words saying what happened or what to fix.
"""

from __future__ import annotations

import hmac
import html
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from bot.clock import Clock
from bot.serve_types import StartResponse
from bot.subscribers import registry
from bot.subscribers.registry import Refused
from config.policy import Policy
from store.db import Database

PATHS = frozenset({"/status/subscribe", "/status/confirm", "/status/unsubscribe"})
BODY_LIMIT = 16_384
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


class SubscriberPages:
    """The three endpoints over one desk's database; `wake` starts the dispatcher."""

    def __init__(
        self,
        *,
        db: Database,
        policy: Policy,
        clock: Clock,
        wake: Callable[[], None],
        can_mail: bool,
        page_url: str,
        page_token: str | None,
    ) -> None:
        self.db = db
        self.page_token = page_token  # a private status page's token: subscribing needs it
        self.policy = policy
        self.clock = clock
        self.wake = wake
        self.can_mail = can_mail
        self.page_url = page_url

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            form = _form(environ) if method == "POST" else {}
            query = parse_qs(environ.get("QUERY_STRING", ""))
            token = (form.get("token") or query.get("token") or [""])[0]
            if path == "/status/subscribe" and method == "POST":
                return self._subscribe(form, environ, start_response)
            if path in ("/status/confirm", "/status/unsubscribe") and method == "GET":
                return self._ask(path, token, start_response)
            if path == "/status/confirm" and method == "POST":
                return self._confirm(token, start_response)
            if path == "/status/unsubscribe" and method == "POST":
                return self._unsubscribe(token, start_response)
            allowed = "POST" if path == "/status/subscribe" else "GET, POST"
            return self._page(
                start_response,
                405,
                "That did not work",
                f"{method} is not how this address is used; use {allowed}.",
                [("Allow", allowed)],
            )
        except Refused as refused:
            extra = []
            if refused.retry_after is not None:
                extra.append(("Retry-After", str(refused.retry_after)))
            return self._page(
                start_response, refused.status, "That did not work", str(refused), extra
            )

    def _subscribe(
        self, form: dict[str, list[str]], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        given = (form.get("token") or [""])[0]
        if self.page_token and not hmac.compare_digest(given.encode(), self.page_token.encode()):
            raise Refused(
                "This status page is private: subscribe from the page itself, opened with the "
                "address the service desk shared.",
                status=401,
            )
        address = (form.get("email") or [""])[0]
        services = [s for s in form.get("service", []) if s]
        with self.db.transaction() as session:
            subscriber = registry.subscribe(
                session,
                self.policy,
                address=address,
                services=services,
                client=str(environ.get("REMOTE_ADDR", "")),
                now=self.clock.now(),
                can_mail=self.can_mail,
            )
            shown = subscriber.address
        self.wake()
        hours = int(self.policy.subscribers.self_service.confirm_within.total_seconds() // 3600)
        return self._page(
            start_response,
            200,
            "Check your inbox",
            f"We sent a confirmation link to {shown}. Nothing else is sent until you follow "
            f"it; it works for {hours} hours. No mail? Look in the spam folder.",
        )

    def _ask(self, path: str, token: str, start_response: StartResponse) -> Iterable[bytes]:
        confirm = path == "/status/confirm"
        title = "Confirm your subscription" if confirm else "Unsubscribe"
        words = (
            "Press the button to start getting major-incident updates by e-mail."
            if confirm
            else "Press the button and no more major-incident updates are sent to this address."
        )
        button = "Confirm" if confirm else "Unsubscribe"
        form = (
            f'<form method="post" action="{html.escape(path)}">'
            f'<input type="hidden" name="token" value="{html.escape(token)}">'
            f'<button type="submit">{button}</button></form>'
        )
        return self._page(start_response, 200, title, words, form_html=form)

    def _confirm(self, token: str, start_response: StartResponse) -> Iterable[bytes]:
        with self.db.transaction() as session:
            subscriber = registry.confirm(session, token, now=self.clock.now())
            shown, services = subscriber.address, list(subscriber.services)
        names = [self.policy.services[k].name for k in services if k in self.policy.services]
        following = ", ".join(names) if names else "every service"
        return self._page(
            start_response,
            200,
            "You are subscribed",
            f"{shown} gets an e-mail when a major incident affects {following}: the first "
            "notice, each update and the resolution. Every mail has a one-click unsubscribe link.",
        )

    def _unsubscribe(self, token: str, start_response: StartResponse) -> Iterable[bytes]:
        with self.db.transaction() as session:
            shown = registry.unsubscribe(session, token, now=self.clock.now()).address
        return self._page(
            start_response,
            200,
            "You are unsubscribed",
            f"No more major-incident updates go to {shown}. You can subscribe again on the "
            "status page at any time.",
        )

    def _page(
        self,
        start_response: StartResponse,
        status: int,
        title: str,
        message: str,
        headers: list[tuple[str, str]] | None = None,
        *,
        form_html: str = "",
    ) -> Iterable[bytes]:
        desk = html.escape(self.policy.desk_name)
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · {desk}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;"
            "padding:0 1rem;color:#1a1a1a;line-height:1.5}button{font-size:1rem;"
            "padding:.5rem 1.25rem}</style></head><body><main>"
            f'<h1>{html.escape(title)}</h1><p role="status">{html.escape(message)}</p>'
            f'{form_html}<p><a href="{html.escape(self.page_url)}">Back to the status page</a>'
            "</p></main></body></html>"
        ).encode()
        start_response(
            f"{status} {REASONS[status]}",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                *(headers or []),
            ],
        )
        return [body]


def _form(environ: dict[str, Any]) -> dict[str, list[str]]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > BODY_LIMIT:
        raise Refused("That form is far too large.", status=413)
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    return parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
