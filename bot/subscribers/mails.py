"""The e-mails a subscriber gets (BCAST-3): each announcement with the incident as it stood
(plain text and HTML, the case number in the subject, a one-click unsubscribe link and the
List-Unsubscribe headers of RFC 8058), and the double opt-in's confirmation. Every value from a
case is escaped in the HTML part; times are in the desk's zone, named."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from store.models import PublicNotice

LEAD = {"notice": "Major incident", "update": "Update", "resolution": "Resolved"}


@dataclass(frozen=True, kw_only=True)
class MailContext:
    """What every mail of one desk shares: who sends it, from where, in which zone."""

    desk_name: str
    sender: str
    page_url: str  # the status page; its links hang below it
    zone: ZoneInfo

    @property
    def domain(self) -> str:
        return urlsplit(self.page_url).hostname or "casedesk.invalid"

    def link(self, path: str, token: str) -> str:
        return f"{self.page_url}/{path}?{urlencode({'token': token})}"

    def local(self, rfc3339: str | None) -> str | None:
        """ "Sun 6 Dec 2026, 10:02 CET" in the desk's zone."""
        if not rfc3339:
            return None
        moment = datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).astimezone(self.zone)
        return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M %Z}"


def notice_mail(
    ctx: MailContext,
    notice: PublicNotice,
    *,
    to: str,
    services: list[str],
    unsubscribe_token: str,
    now: datetime,
    subscriber_id: int,
) -> EmailMessage:
    """One announcement to one address."""
    incident: dict[str, Any] = notice.incident
    ref, title = incident["number"], incident["title"]
    lead = incident["status_label"] if notice.kind == "resolution" else LEAD[notice.kind]
    unsubscribe = ctx.link("unsubscribe", unsubscribe_token)
    facts = _facts(ctx, incident)
    following = ", ".join(services) if services else "every service"
    plain = "\n".join(
        [
            f"{lead}: {ref} {title}",
            "",
            notice.text,
            "",
            *(f"{label}: {value}" for label, value in facts),
            "",
            f"Follow it live: {ctx.page_url}",
            f"Questions? Contact the {ctx.desk_name} and quote {ref}.",
            "",
            "--",
            f"You get this because {to} subscribed to major-incident updates for {following}.",
            f"Unsubscribe with one click: {unsubscribe}",
            "",
        ]
    )
    rows = "".join(
        f'<tr><th align="left" style="padding:2px 12px 2px 0">{_h(label)}</th>'
        f"<td>{_h(value)}</td></tr>"
        for label, value in facts
    )
    body_html = (
        f'<!doctype html><html lang="en"><body style="font-family:sans-serif;color:#1a1a1a">'
        f'<h1 style="font-size:1.3em">{_h(lead)}: {_h(ref)} {_h(title)}</h1>'
        f"<p>{_h(notice.text)}</p><table>{rows}</table>"
        f'<p><a href="{_h(ctx.page_url)}">Follow it live on the status page</a>. '
        f"Questions? Contact the {_h(ctx.desk_name)} and quote {_h(ref)}.</p>"
        f'<hr><p style="font-size:.85em;color:#555">You get this because {_h(to)} subscribed '
        f"to major-incident updates for {_h(following)}. "
        f'<a href="{_h(unsubscribe)}">Unsubscribe with one click</a>.</p></body></html>'
    )
    message = _message(ctx, to=to, subject=f"{ref} {lead}: {title}", now=now)
    message["Message-ID"] = f"<{_id_part(notice.key)}.{subscriber_id}@{ctx.domain}>"
    message["References"] = f"<{ref}@{ctx.domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Casedesk-Notice"] = notice.key
    message.set_content(plain)
    message.add_alternative(body_html, subtype="html")
    return message


def confirmation_mail(
    ctx: MailContext,
    *,
    to: str,
    services: list[str],
    confirm_token: str,
    expires: datetime,
    now: datetime,
) -> EmailMessage:
    """The double opt-in: nothing else is sent to `to` until its link is followed."""
    confirm = ctx.link("confirm", confirm_token)
    following = ", ".join(services) if services else "every service"
    until = ctx.local(expires.isoformat())
    plain = "\n".join(
        [
            f"Someone (we hope you) asked the {ctx.desk_name} to e-mail {to} about major "
            f"incidents affecting {following}.",
            "",
            f"Confirm with this link (it works until {until}):",
            confirm,
            "",
            "If you did not ask for this, ignore this mail: nothing more will be sent.",
            "",
        ]
    )
    body_html = (
        f'<!doctype html><html lang="en"><body style="font-family:sans-serif;color:#1a1a1a">'
        f"<p>Someone (we hope you) asked the {_h(ctx.desk_name)} to e-mail {_h(to)} about "
        f"major incidents affecting {_h(following)}.</p>"
        f'<p><a href="{_h(confirm)}">Confirm your subscription</a> (the link works until '
        f"{_h(until or '')}).</p><p>If you did not ask for this, ignore this mail: nothing "
        f"more will be sent.</p></body></html>"
    )
    message = _message(
        ctx, to=to, subject=f"Confirm your status updates from {ctx.desk_name}", now=now
    )
    message.set_content(plain)
    message.add_alternative(body_html, subtype="html")
    return message


def _facts(ctx: MailContext, incident: dict[str, Any]) -> list[tuple[str, str]]:
    facts = [
        ("Status", incident["status_label"]),
        ("Affected", ", ".join(incident.get("service_names") or incident["services"])),
        ("Impact", incident["impact"]),
        ("Started", ctx.local(incident["started_at"])),
        ("Next update by", ctx.local(incident["next_update_due"])),
        ("Resolved", ctx.local(incident["resolved_at"])),
    ]
    return [(label, value) for label, value in facts if value]


def _message(ctx: MailContext, *, to: str, subject: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = ctx.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"
    return message


def default_sender(desk_name: str, page_url: str) -> str:
    """Without SMTP_FROM: the desk's name at a no-reply address of its public host."""
    host = urlsplit(page_url).hostname or "localhost"
    return formataddr((desk_name, f"no-reply@{host}"))


def _id_part(key: str) -> str:
    return key.replace("/", ".")


def _h(value: str) -> str:
    return html.escape(value, quote=True)
