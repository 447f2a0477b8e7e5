"""`python -m bot bench-load`: acknowledgement latency of HTTP mode under load.

Signed slash commands and button presses go over loopback, `concurrency` at a time, to
`python -m bot http` (gunicorn, the production server) on SQLite or PostgreSQL, and in the same
run to a bare Bolt app under the same gunicorn settings that only acknowledges. Both talk to the
stand-in Slack. Printed per target and concurrency: p50 / p95 / p99 milliseconds from sending the
request to its answer (Slack waits up to 3,000 ms).

The traffic is a desk's in an outage: `/case new` for a symptom many people report (the first
is recorded, the rest are held as possible duplicates), `/case show` of open cases, and "Take it"
presses on them (the first press takes, later ones are refused as already taken). Before each
Casedesk run, 20 distinct cases are recorded (not timed) for the shows and the presses to act on.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, RemoteDisconnected
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode, urlsplit

import requests

from bot.sandbox.standin import SlackStandIn
from bot.sandbox.world import demo_standin
from bot.serve import THREADS

SECRET = "bench-signing-secret"
ROOT = Path(__file__).resolve().parent.parent
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
START_TIMEOUT = 90.0
BARE_APP = """
import sys
from slack_bolt import App
from gunicorn.app.base import BaseApplication
from slack_bolt.adapter.wsgi import SlackRequestHandler

from slack_sdk import WebClient

client = WebClient(token=sys.argv[5], base_url=sys.argv[3])
app = App(client=client, signing_secret=sys.argv[2])

@app.command("/case")
def case(ack):
    ack(text="ok")

@app.action("case_take")
def take(ack):
    ack()

handler = SlackRequestHandler(app)

def application(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true}']
    return handler(environ, start_response)

class Server(BaseApplication):
    def load_config(self):
        self.cfg.set("bind", "127.0.0.1:" + sys.argv[1])
        self.cfg.set("workers", 2)
        self.cfg.set("threads", int(sys.argv[4]))
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("loglevel", "warning")
    def load(self):
        return application

Server().run()
"""


@dataclass(frozen=True)
class Figures:
    """One target at one concurrency: the median of each percentile over `runs` runs, and the
    lowest and highest p99 among them (this machine's speed drifts between runs)."""

    target: str
    concurrency: int
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    runs: int = 1
    p99_low_ms: float = 0.0
    p99_high_ms: float = 0.0


def run_benchmark(argv: Sequence[str], out: IO[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-load")
    parser.add_argument(
        "--requests",
        type=int,
        default=1000,
        help="per target, concurrency and run (1,000: a steady p99)",
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per target and concurrency, the targets taking turns; medians are printed",
    )
    parser.add_argument("--database", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(list(argv))
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")
    standin = demo_standin(clock=time.time, enforce_rate_limits=False)
    server = standin.serve()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        backend = "postgresql" if database.startswith("postgresql") else "sqlite"
        starts: dict[str, Callable[[int], subprocess.Popen[str]]] = {
            "bare bolt": lambda port: _bare_app(port, standin),
            f"casedesk ({backend})": lambda port: start_casedesk(port, standin, database),
        }
        processes: list[subprocess.Popen[str]] = []
        try:
            targets: dict[str, Traffic] = {}
            for name, start in starts.items():
                port = free_port()
                processes.append(start(port))
                url = wait_until_up(port, processes[-1])
                numbers = FAKE_NUMBERS if name == "bare bolt" else seed_cases(url, standin)
                targets[name] = Traffic(url=url, standin=standin, numbers=numbers)
            runs: dict[tuple[str, int], list[Figures]] = {}
            for _ in range(args.runs):  # both servers stay up; they take turns at the load
                for name, traffic in targets.items():
                    for concurrency in args.concurrency:
                        figures = _measure(name, traffic, concurrency, args.requests)
                        runs.setdefault((name, concurrency), []).append(figures)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    server.close()
    results = [_median(figures) for figures in runs.values()]
    if args.json:
        out.write(json.dumps([r.__dict__ for r in results], indent=2) + "\n")
    else:
        out.write(_table(results))
    return 0


def _median(runs: list[Figures]) -> Figures:
    p99s = [r.p99_ms for r in runs]
    return Figures(
        target=runs[0].target,
        concurrency=runs[0].concurrency,
        requests=runs[0].requests,
        p50_ms=round(statistics.median(r.p50_ms for r in runs), 1),
        p95_ms=round(statistics.median(r.p95_ms for r in runs), 1),
        p99_ms=round(statistics.median(p99s), 1),
        errors=sum(r.errors for r in runs),
        runs=len(runs),
        p99_low_ms=min(p99s),
        p99_high_ms=max(p99s),
    )


def start_casedesk(
    port: int, standin: SlackStandIn, database: str, *, output: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """`python -m bot http` on `port`, talking to `standin`; `output` takes its stdout and
    stderr (subprocess.PIPE to read why it did not start)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
        "DATABASE_URL": database,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "http"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else output,
        text=True,
    )


def _bare_app(port: int, standin: SlackStandIn) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            BARE_APP,
            str(port),
            SECRET,
            standin.api_url,
            str(THREADS),
            standin.bot_token,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def wait_until_up(port: int, process: subprocess.Popen[str]) -> str:
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return url
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start in {START_TIMEOUT:.0f} s")


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
        recorded = _RECORDED.search(answer.text)
        if recorded is None:
            raise RuntimeError(f"seed case {summary!r} was not recorded: {answer.text[:300]}")
        numbers.append(int(recorded.group(1)))
    return tuple(numbers)


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


def _measure(name: str, traffic: Traffic, concurrency: int, count: int) -> Figures:
    calls = [traffic.request(n) for n in range(count)]
    for warm in calls[: min(10, count)]:
        warm()

    def timed(call: Callable[[], int]) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            ok = call() == 200
        except (OSError, HTTPException):
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(timed, calls))
    times = sorted(t for t, _ in outcomes)
    return Figures(
        target=name,
        concurrency=concurrency,
        requests=count,
        p50_ms=round(statistics.median(times), 1),
        p95_ms=round(_percentile(times, 95), 1),
        p99_ms=round(_percentile(times, 99), 1),
        errors=sum(1 for _, ok in outcomes if not ok),
    )


def _percentile(ordered: list[float], pct: int) -> float:
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _table(results: list[Figures]) -> str:
    lines = [
        f"{'target':<22} {'conc.':>5} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p99 range':>15} {'errors':>6}"
    ]
    for r in results:
        spread = f"{r.p99_low_ms:.1f}-{r.p99_high_ms:.1f}"
        lines.append(
            f"{r.target:<22} {r.concurrency:>5} {r.requests:>8} {r.p50_ms:>8} {r.p95_ms:>8} "
            f"{r.p99_ms:>8} {spread:>15} {r.errors:>6}"
        )
    if results:
        lines.append(
            f"each row: medians over {results[0].runs} run(s) of {results[0].requests} requests, "
            "the two servers taking turns"
        )
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
