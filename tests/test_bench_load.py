"""`python -m bot bench-load` at a size for CI: both servers start, every request is answered,
and the figures come out for each target and concurrency (the full run is documented in
docs/hardening.md)."""

from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.bench.load import run_benchmark
from bot.bench.load_traffic import Traffic
from bot.sandbox.world import demo_standin

# The benchmark's servers use their own SQLite files, whichever database the pass is on.
pytestmark = pytest.mark.sqlite_pass_only


def test_the_load_benchmark_runs_small_and_every_request_is_answered() -> None:
    out = io.StringIO()
    assert (
        run_benchmark(["--requests", "24", "--concurrency", "1", "8", "--runs", "2", "--json"], out)
        == 0
    )
    rows = json.loads(out.getvalue())
    assert [(r["target"], r["concurrency"]) for r in rows] == [
        ("bare bolt", 1),
        ("bare bolt", 8),
        ("casedesk (sqlite)", 1),
        ("casedesk (sqlite)", 8),
    ]
    assert all(r["errors"] == 0 and 0 < r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] for r in rows)
    assert all(r["runs"] == 2 and r["p99_low_ms"] <= r["p99_ms"] <= r["p99_high_ms"] for r in rows)


class _ClosesIdleConnections(BaseHTTPRequestHandler):
    """Answers on HTTP/1.1 keep-alive, then drops the connection, as gunicorn does to a client
    idle past its keep-alive timeout."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_load_generator_reconnects_when_the_server_closed_its_idle_connection() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ClosesIdleConnections)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    standin = demo_standin(clock=time.time)
    slack = standin.serve()  # issues the requests' response URLs
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        traffic = Traffic(url=url, standin=standin, numbers=(1001,))
        assert [traffic.request(n)() for n in range(4)] == [200, 200, 200, 200]
    finally:
        server.shutdown()
        server.server_close()
        slack.close()
