"""BCAST-3's mail relay edge against a real SMTP server (aiosmtpd) with a certificate made for
the test: STARTTLS whenever the relay offers it, then the login; `smtps://` with TLS from the
first byte; and what the relay's refusals mean (retry later, or give up on that address)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.dispatcher import Final, Retry
from bot.subscribers.relay import Relay
from tests.real_programs import program
from tests.subscriber_fixtures import free_port

pytestmark = pytest.mark.sqlite_pass_only  # no database here: one pass is enough
USER, PASSWORD = "desk", "s3cret-relay-password"


class Handler:
    def __init__(self) -> None:
        self.received: list[tuple[bool, bool, bytes]] = []  # (over TLS, logged in, bytes)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            (session.ssl is not None, bool(session.authenticated), envelope.content)
        )
        return "250 OK"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = program("openssl", why="a certificate for the test's TLS relay")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The relay's certificate is trusted the way an operator would: SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def starttls_relay(trusted: ssl.SSLContext) -> Iterator[tuple[Handler, int]]:
    handler, port = Handler(), free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=trusted,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticate,
    )
    controller.start()
    yield handler, port
    controller.stop()


def message(to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "it@northwind.example", to, "CASE-1001 Update"
    mail.set_content("Mail flows again")
    return mail


def test_bcast_3_the_relay_starts_tls_before_it_logs_in(
    starttls_relay: tuple[Handler, int],
) -> None:
    handler, port = starttls_relay
    Relay.from_url(f"smtp://{USER}:{PASSWORD}@localhost:{port}").send(
        message("ops@partner.example")
    )
    ((over_tls, logged_in, content),) = handler.received
    assert (over_tls, logged_in) == (True, True)
    assert b"Mail flows again" in content


def test_bcast_3_the_relays_refusals_mean_retry_or_give_up(
    starttls_relay: tuple[Handler, int],
) -> None:
    _, port = starttls_relay
    relay = Relay.from_url(f"smtp://{USER}:{PASSWORD}@localhost:{port}")
    with pytest.raises(Final, match=r"the relay refused the address: 550 5\.1\.1 no such mailbox"):
        relay.send(message("gone@partner.example"))
    with pytest.raises(Retry, match=r"the relay refused the address: 451 4\.3\.0 try again later"):
        relay.send(message("busy@partner.example"))
    with pytest.raises(Retry, match="unreachable"):
        Relay.from_url(f"smtp://localhost:{free_port()}", timeout=2).send(message("a@b.example"))


def test_bcast_3_smtps_speaks_tls_from_the_first_byte(trusted: ssl.SSLContext) -> None:
    handler, port = Handler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=trusted)
    controller.start()
    try:
        Relay.from_url(f"smtps://localhost:{port}").send(message("ops@partner.example"))
    finally:
        controller.stop()
    assert len(handler.received) == 1  # the handshake came first: a plain server refuses it
    plain, plain_port = Handler(), free_port()
    controller = Controller(plain, hostname="127.0.0.1", port=plain_port)
    controller.start()
    try:
        with pytest.raises(Retry, match="unreachable"):
            Relay.from_url(f"smtps://localhost:{plain_port}", timeout=5).send(
                message("ops@partner.example")
            )
    finally:
        controller.stop()
    assert plain.received == []
