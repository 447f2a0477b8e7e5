"""Serve the stand-in over loopback HTTP in Slack's wire format, so a stock WebClient works.

Logs go to the logging module at DEBUG only: the sandbox REPL owns stdout.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """One HTTP answer: status, JSON (dict) or plain text body, extra headers."""

    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


class Backend(Protocol):
    def handle_api(
        self, method: str, args: dict[str, Any], *, authorization: str, is_json: bool
    ) -> Reply: ...

    def handle_response_url(self, hook_id: str, body: bytes) -> Reply: ...

    def handle_upload(self, upload_key: str, body: bytes, content_type: str) -> Reply: ...


def parse_body(content_type: str, body: bytes, query: str) -> tuple[dict[str, Any], bool]:
    """Arguments from the query string plus a form or JSON body; says whether the body was JSON."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8") or "{}")
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            args.update(decoded)
        return args, True
    if media in ("application/x-www-form-urlencoded", ""):
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return args, False


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops bursts of connections (a 1 s SYN retry each).
    request_queue_size = 128


class StandInServer:
    """A ThreadingHTTPServer on a daemon thread; `api_url` is what WebClient(base_url=...) needs."""

    def __init__(self, backend: Backend, *, host: str, port: int) -> None:
        self._httpd = _Server((host, port), _handler_for(backend))
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        self.base_url = f"http://{host_text}:{bound_port}/"
        self.api_url = self.base_url + "api/"
        self._closed = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # so close() returns promptly
            name="slack-stand-in",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StandInServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as separate writes; without this, keep-alive clients
            # wait on delayed ACKs (~40 ms a call).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            try:
                reply = self._route(url.path, url.query, body)
            except Exception:
                log.exception("stand-in failed on %s", self.path)
                reply = Reply(500, {"ok": False, "error": "internal_error"})
            self._send(reply)

        def _route(self, path: str, query: str, body: bytes) -> Reply:
            if path.startswith("/api/"):
                args, is_json = parse_body(self.headers.get("Content-Type", ""), body, query)
                return backend.handle_api(
                    path.removeprefix("/api/"),
                    args,
                    authorization=self.headers.get("Authorization", ""),
                    is_json=is_json,
                )
            if path.startswith("/upload/v1/") and self.command == "POST":
                return backend.handle_upload(
                    path.removeprefix("/upload/v1/"), body, self.headers.get("Content-Type", "")
                )
            if path.startswith("/response/") and self.command == "POST":
                return backend.handle_response_url(path.removeprefix("/response/"), body)
            return Reply(404, "not_found")

        def _send(self, reply: Reply) -> None:
            if reply.status == 0:  # an injected drop: close the connection, answer nothing
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(reply.body, str):
                payload, kind = reply.body.encode("utf-8"), "text/plain; charset=utf-8"
            else:
                payload, kind = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("stand-in http: " + format, *args)

    return Handler
