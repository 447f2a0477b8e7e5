"""The SMTP relay subscribers' mail goes through (SMTP_URL): smtp:// with STARTTLS whenever the
relay offers it, smtps:// with TLS from the first byte. A password is never sent in clear to a
relay that is not on this machine. What the relay answers decides retry or give up: 4xx, a
dropped line or a timeout is tried again; a 5xx refusal of the address is final for it."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from ipaddress import ip_address
from urllib.parse import unquote, urlsplit

from bot.dispatcher import Final, Retry

SMTP_PORT = 587
SMTPS_PORT = 465


@dataclass(frozen=True, kw_only=True)
class Relay:
    host: str
    port: int
    user: str | None
    password: str | None
    implicit_tls: bool
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 30.0) -> Relay:
        """smtp://user:password@relay:587 or smtps://...:465 (config.settings checked it)."""
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (SMTPS_PORT if implicit else SMTP_PORT),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            timeout=timeout,
        )

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the relay; Retry or Final says what its answer means."""
        try:
            with self._connect() as smtp:
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _by_code(code, reply, "refused the address") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise Retry(f"the relay refused the login ({exc.smtp_code})") from None
        except smtplib.SMTPSenderRefused as exc:
            error = _text(exc.smtp_error)
            raise Retry(f"the relay refused the sender ({exc.smtp_code} {error})") from None
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error, "refused the message") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Retry(f"relay {self.host}:{self.port} unreachable: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            secure = self.implicit_tls
            if not secure and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
                secure = True
            if self.user is not None:
                if not secure and not _local(self.host):
                    raise Retry(
                        f"the relay {self.host} offers no STARTTLS; the password is not sent "
                        "in clear (use smtps:// or a relay that offers STARTTLS)"
                    )
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _by_code(code: int, reply: bytes | str, what: str) -> Exception:
    words = f"the relay {what}: {code} {_text(reply)}"
    return Final(words) if 500 <= code < 600 else Retry(words)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
