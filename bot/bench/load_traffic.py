"""The traffic of a load run: Slack's signed requests, the cases they act on, and the
sending."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from http.client import HTTPConnection, HTTPException, RemoteDisconnected
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from bot.bench.load_servers import SECRET
from bot.sandbox.standin import SlackStandIn
from bot.views.results import ACTION_RECORD_ANYWAY

DESK, REQUESTERS, MEMBER = "U0DESK01", ("U0USER01", "U0USER02"), "U0EUC01"
# Cases in the end-user computing queue (MEMBER's), alike enough to nothing else to be recorded.
SEED_CASES = (
    ("laptops", "Laptop battery swollen, lid no longer closes"),
    ("printers", "Jams on every duplex job in the finance office"),
    ("laptops", "Docking station does not detect the second monitor"),
    ("printers", "Scanned documents arrive by e-mail without attachments"),
    ("laptops", "Keyboard repeats characters at random"),
    ("laptops", "Webcam shows a black picture in meetings"),
    ("printers", "Label printer produces faded barcodes"),
    ("laptops", "Touchpad stops responding after sleep"),
    ("printers", "Plotter rejects large PDF drawings"),
    ("laptops", "Headset microphone crackles during calls"),
    ("printers", "Badge printer at reception shows offline"),
    ("laptops", "External display flickers constantly"),
    ("printers", "Toner warning persists after replacing the cartridge"),
    ("laptops", "USB ports dead since the firmware update"),
    ("printers", "Copier asks for an unknown department code"),
    ("laptops", "Blue screen whenever undocking"),
    ("laptops", "Wireless mouse lags heavily"),
    ("laptops", "Disk almost full warning on the desktop PC"),
    ("printers", "Colour prints come out with magenta stripes"),
    ("laptops", "Fan runs loud while idle"),
)
_RECORDED = re.compile(r"Recorded \*?CASE-(\d+)")


class SlackRequests:
    """Bodies and signed headers of Slack's requests, as the stand-in workspace would send them
    (also used by tests that drive running bot processes)."""

    def __init__(self, standin: SlackStandIn) -> None:
        self.standin = standin

    def command(self, user: str, text: str, *, channel: str = "C0ITHELP") -> str:
        return urlencode(
            {
                "team_id": "T0CASEDESK",
                "channel_id": channel,
                "user_id": user,
                "command": "/case",
                "text": text,
                "api_app_id": "A0CASEDESK",
                "response_url": self.standin.issue_response_url(user_id=user, channel_id=channel),
                "trigger_id": self.standin.issue_trigger_id(user_id=user),
            }
        )

    def press(self, user: str, action_id: str, value: str, *, channel: str = "C0ITHELP") -> str:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": "T0CASEDESK", "domain": "northwind-sandbox"},
            "user": {"id": user, "team_id": "T0CASEDESK"},
            "api_app_id": "A0CASEDESK",
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "message_ts": "1.000001"},
            "trigger_id": self.standin.issue_trigger_id(user_id=user),
            "response_url": self.standin.issue_response_url(user_id=user, channel_id=channel),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "work",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)})

    @staticmethod
    def headers(body: str) -> dict[str, str]:
        """Slack's signature headers for `body`, signed now with the benchmark's secret."""
        stamp = str(int(time.time()))
        digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest.hexdigest(),
        }


FAKE_NUMBERS = tuple(range(1001, 1001 + len(SEED_CASES)))  # the bare app records nothing


def seed_cases(url: str, standin: SlackStandIn) -> tuple[int, ...]:
    """Record SEED_CASES, each for a requester of its own, and return their numbers; a seed
    that is not recorded stops the benchmark (it would time refusals instead)."""
    slack, numbers = SlackRequests(standin), []
    for i, (service, summary) in enumerate(SEED_CASES, start=1):
        requester = f"U0EMP{i:03d}"
        standin.add_user(requester, name=f"employee{i}", real_name=f"Employee {i}")
        body = slack.command(DESK, f"new {summary} service={service} for=<@{requester}>")
        answer = requests.post(
            f"{url}/slack/events", data=body, headers=slack.headers(body), timeout=30
        )
        recorded = _RECORDED.search(answer.text) or _record_anyway(url, slack, answer.text)
        if recorded is None:
            raise RuntimeError(f"seed case {summary!r} was not recorded: {answer.text[:300]}")
        numbers.append(int(recorded.group(1)))
    return tuple(numbers)


def _record_anyway(url: str, slack: SlackRequests, held: str) -> re.Match[str] | None:
    """A seed held as a look-alike (INTAKE-4: other seeds are on the same service within the
    hour) is recorded the way a technician does it: **Record a new case anyway**. Its answer
    comes through the response_url, so it is read from the stand-in."""
    draft = _draft_of(held)
    if draft is None:
        return None
    before = len(slack.standin.ephemerals(DESK))
    body = slack.press(DESK, ACTION_RECORD_ANYWAY, draft)
    requests.post(f"{url}/slack/events", data=body, headers=slack.headers(body), timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for reply in slack.standin.ephemerals(DESK)[before:]:
            if found := _RECORDED.search(reply.text):
                return found
        time.sleep(0.02)
    return None


def _draft_of(held: str) -> str | None:
    """The draft id on the held answer's **Record a new case anyway** button."""
    try:
        blocks = json.loads(held).get("blocks") or []
    except ValueError:
        return None
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == ACTION_RECORD_ANYWAY:
                return str(element.get("value"))
    return None


class Traffic:
    """The requests a desk sends: new cases, looks at cases, Take it presses. Each sending
    thread keeps one keep-alive connection of its own (http.client: the load generator shares
    the machine with the servers it measures, so it should spend as little CPU as it can)."""

    def __init__(self, *, url: str, standin: SlackStandIn, numbers: Sequence[int]) -> None:
        address = urlsplit(url)
        self.host, self.port = address.hostname or "127.0.0.1", address.port
        self.slack = SlackRequests(standin)
        self.numbers = numbers
        self._connections = threading.local()

    def request(self, n: int) -> Callable[[], int]:
        kind = n % 4
        number = self.numbers[n % len(self.numbers)]
        if kind in (0, 1):
            requester = REQUESTERS[n % 2]
            text = f"new Printer {n} prints blank pages service=printers for=<@{requester}>"
            return lambda: self._post(self.slack.command(DESK, text))
        if kind == 2:
            return lambda: self._post(self.slack.command(DESK, f"show CASE-{number}"))
        press = str(number)
        return lambda: self._post(self.slack.press(MEMBER, "case_take", press, channel="C0EUCQ"))

    def _post(self, body: str) -> int:
        kept = getattr(self._connections, "open", None)
        if kept is not None:
            try:
                return self._send(kept, body)
            except (BrokenPipeError, ConnectionResetError, RemoteDisconnected):
                kept.close()  # the server closed it while idle (keep-alive timeout): reconnect
        fresh = HTTPConnection(self.host, self.port, timeout=10)
        self._connections.open = fresh
        return self._send(fresh, body)

    def _send(self, connection: HTTPConnection, body: str) -> int:
        try:
            connection.request("POST", "/slack/events", body, self.slack.headers(body))
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, HTTPException):
            connection.close()
            self._connections.open = None
            raise
