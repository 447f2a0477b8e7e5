"""A small threaded WSGI server for the pages and webhooks that Socket Mode also serves.

In HTTP mode gunicorn serves everything on PORT. In Socket Mode Slack's events arrive over the
socket, but monitoring alerts, the status page and the health probe still arrive over HTTP, so the
bot listens on PORT beside the socket with this server (stdlib wsgiref, one thread a request).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.serve_types import WsgiApp

log = logging.getLogger(__name__)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread a request, so a slow reader never holds up an alert."""

    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """Requests are logged by the app's own logger, not as stderr lines per request."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


@dataclass
class WebServer:
    """A started server: its port (useful when 0 was asked for) and how to stop it."""

    httpd: ThreadingWSGIServer
    thread: threading.Thread = field(repr=False)

    @property
    def port(self) -> int:
        return int(self.httpd.server_port)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_web_server(app: WsgiApp, *, host: str, port: int) -> WebServer:
    """Serve `app` on host:port from a daemon thread; returns once the socket is listening."""
    httpd = make_server(
        host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True, name="web"
    )
    thread.start()
    return WebServer(httpd=httpd, thread=thread)
