"""The sandbox's mail and status-page steps (BCAST-3): `subscribe` fills the status page's "Get
updates" form and follows the confirmation mail's link as the person would, and `mail` prints
what an address received from the sandbox relay, parsed from the bytes the desk sent."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.util import setup_testing_defaults

from bot.sandbox.driver import SandboxError
from bot.sandbox.standin_smtp import StandInRelay
from bot.sandbox.world import World
from bot.serve_types import WsgiApp

SHOWN_HEADERS = ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")


class MailSteps:
    def __init__(
        self, world: World, relay: StandInRelay | None, show: Callable[[str], None]
    ) -> None:
        self.world = world
        self.relay = relay
        self.show = show
        self._app: WsgiApp | None = None

    def subscribe(self, rest: str) -> None:
        """`subscribe ops@partner.example email vpn`: the form, then the mailed link."""
        address, *services = rest.split()
        relay = self._relay()
        status, text = self._web("POST", "/status/subscribe", email=address, service=services)
        self.show(f"  POST /status/subscribe -> {status}: {text}")
        self.world.runtime.dispatcher.drain()
        confirmations = [m for m in relay.to(address) if "Confirm" in str(m["Subject"])]
        if status != 200 or not confirmations:
            return
        link = re.search(r"\S+/status/confirm\?token=\S+", _plain(confirmations[-1]))
        assert link is not None
        token = parse_qs(urlsplit(link.group(0)).query)["token"][0]
        status, text = self._web("POST", "/status/confirm", token=token)
        self.show(f"  (the link in the mail) POST /status/confirm -> {status}: {text}")

    def mail(self, rest: str) -> None:
        """`mail ops@partner.example [n]`: the last n mails the address got (default all)."""
        address, _, count = rest.partition(" ")
        found = self._relay().to(address)
        shown = found[-int(count) :] if count.strip().isdigit() else found
        self.show(f"  {len(found)} {'mail' if len(found) == 1 else 'mails'} to {address}")
        for message in shown:
            self.show("  " + "-" * 76)
            for name in SHOWN_HEADERS:
                if message[name]:
                    self.show(f"  {name}: {message[name]}")
            self.show("")
            for line in _plain(message).splitlines():
                self.show(f"  {line}".rstrip())

    def _relay(self) -> StandInRelay:
        if self.relay is None:
            raise SandboxError("SMTP_URL is set: mail goes to that relay, not to the sandbox's")
        return self.relay

    def _web(self, method: str, path: str, **form: Any) -> tuple[int, str]:
        """One request to the bot's own web app, in process."""
        if self._app is None:
            from bot.serve import wsgi_app  # the web app, as Socket Mode serves it

            self._app = wsgi_app(self.world.runtime, slack_events=False)
        body = urlencode(form, doseq=True).encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "REMOTE_ADDR": "192.0.2.10",
        }
        setup_testing_defaults(environ)
        answer: list[str] = []
        page = b"".join(self._app(environ, lambda status, _headers: answer.append(status)))
        said = re.search(rb'<p role="status">(.*?)</p>', page, re.S)
        text = html.unescape(said.group(1).decode()) if said else ""
        return int(answer[0].split()[0]), text


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    return str(body.get_content()).replace("\r\n", "\n") if body is not None else ""
