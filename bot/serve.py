"""The two ways to meet Slack (DESIGN decision 5): Socket Mode, or HTTP on PORT with
/slack/events (signatures verified by Bolt) and /healthz, under gunicorn in production. In Socket
Mode the same web app (without /slack/events) still listens on PORT, so pages, the health probe
and webhooks from other systems work in both modes.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.app import Runtime
from bot.article_page import article_page
from bot.companion import start_companions
from bot.serve_types import StartResponse, WsgiApp
from bot.status import web as status_web
from bot.subscribers import web as subscriber_web
from bot.web_server import start_web_server

log = logging.getLogger(__name__)

# Threads per gunicorn worker: two workers hold 64 requests at once, so a burst of 50 is worked
# side by side instead of waiting in the accept queue (bench-load: a lower p99 at 50 than 16).
THREADS = 32


def wsgi_app(runtime: Runtime, *, slack_events: bool = True) -> WsgiApp:
    """/slack/events for Slack (HTTP mode only), /healthz for the load balancer, the KB's
    article pages, the status page, its feeds and its subscriptions, and monitoring's alerts
    (`/alerts/<kind>`, bot/alerts/receive.py); nothing else is served."""
    slack = SlackRequestHandler(runtime.app)
    status_site = status_web.StatusSite(db=runtime.db, policy=runtime.policy, clock=runtime.clock)
    runtime.desk.on_commit(status_site.cache.invalidate)  # this process's changes show at once

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events" and method == "POST" and slack_events:
            return slack(environ, start_response)
        if path.startswith("/alerts/"):
            return runtime.alert_receiver(path.removeprefix("/alerts/"), environ, start_response)
        if path in status_web.PATHS:
            return status_site(environ, start_response)
        if path in subscriber_web.PATHS:  # BCAST-3: subscribe, confirm, unsubscribe
            return runtime.subscriber_pages(environ, start_response)
        if path == "/healthz":
            return _health(runtime, start_response)
        if path.startswith("/kb/") and method == "GET":
            status, page = article_page(
                runtime.kb, path.removeprefix("/kb/"), desk_name=runtime.policy.desk_name
            )
            data = page.encode()
            start_response(
                f"{status} {'OK' if status == 200 else 'Not Found'}",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
            )
            return [data]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        if not slack_events:
            return [b"not found: in Socket Mode Slack's events arrive over the socket"]
        return [b"not found: Slack requests go to /slack/events"]

    return application


def _health(runtime: Runtime, start_response: StartResponse) -> Iterable[bytes]:
    try:
        with runtime.db.reading() as session:
            session.execute(text("SELECT 1"))
        body, status = {"ok": True, "mode": runtime.settings.mode}, "200 OK"
    except Exception as exc:  # the probe reports the failure instead of raising it
        log.warning("health check failed: %s", exc)
        body, status = {"ok": False, "error": "database unavailable"}, "503 Service Unavailable"
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def run_http(runtime: Runtime, *, workers: int | None = None, threads: int = THREADS) -> None:
    """gunicorn with threads, two workers (one per core here); each worker forks companions for
    the background work (bot/companion.py; claims keep them all apart). On SQLite every process
    takes its turn at the database's writer lock (`store.db.WriterLock`)."""
    from gunicorn.app.base import BaseApplication

    if workers is None:
        workers = 2

    application = wsgi_app(runtime)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{runtime.settings.port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("post_fork", _post_fork)

        def load(self) -> WsgiApp:
            return application

    def _post_fork(_server: Any, worker: Any) -> None:
        runtime.db.after_fork()
        start_companions(  # the background work, at lower priorities (bot/companion.py)
            runtime.companion_shares(),
            after_fork=runtime.after_companion_fork,
            close=worker.sockets,
            on_exit=lambda _companion: os.kill(os.getpid(), signal.SIGTERM),
        )
        runtime.usergroup_refresher.start()  # permissions here follow the groups too

    log.info(
        "HTTP mode on port %s: POST /slack/events, POST /alerts/..., GET /healthz",
        runtime.settings.port,
    )
    Server().run()


def run_socket_mode(runtime: Runtime) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime.start_background()
    port = runtime.settings.port
    start_web_server(wsgi_app(runtime, slack_events=False), host="0.0.0.0", port=port)
    log.info("Socket Mode: web pages and /healthz on port %s; connecting to Slack", port)
    SocketModeHandler(runtime.app, runtime.settings.app_token).start()  # type: ignore[no-untyped-call]
