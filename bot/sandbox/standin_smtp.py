"""The sandbox's mail relay: a small SMTP server on loopback (standard library only) that keeps
every message it is given, byte for byte, so the demo shows the real mails the desk sent."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed: EmailMessage = message_from_bytes(self.data, policy=email_policy.default)
        return parsed


@dataclass
class StandInRelay:
    """Started with `start()`; `url` is the SMTP_URL that reaches it."""

    received: list[Delivered] = field(default_factory=list)
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> StandInRelay:
        relay = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                relay._session(self)

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True, name="smtp").start()
        self._server = server
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"smtp://127.0.0.1:{self._server.server_address[1]}"

    def to(self, address: str) -> list[EmailMessage]:
        return [d.message() for d in self.received if address in d.recipients]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _session(self, io: socketserver.StreamRequestHandler) -> None:
        """RFC 5321's few verbs a relay client uses: EHLO, MAIL, RCPT, DATA, RSET, QUIT."""

        def say(line: str) -> None:
            io.wfile.write(line.encode() + b"\r\n")

        say("220 sandbox relay ESMTP")
        sender, recipients = "", list[str]()
        while raw := io.rfile.readline():
            line = raw.decode(errors="replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                say("250-sandbox relay")
                say("250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                say("250 OK")
            elif verb == "MAIL":
                sender, recipients = _address(line), []
                say("250 OK")
            elif verb == "RCPT":
                recipients.append(_address(line))
                say("250 OK")
            elif verb == "DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := io.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.received.append(Delivered(sender, recipients, b"".join(lines)))
                say("250 OK: queued")
            elif verb == "RSET":
                sender, recipients = "", []
                say("250 OK")
            elif verb == "QUIT":
                say("221 Bye")
                return
            else:
                say("502 Command not implemented")


def _address(line: str) -> str:
    inside = line.partition(":")[2].strip()
    return inside.split(">")[0].lstrip("<").strip()
