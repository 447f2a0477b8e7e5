"""BCAST-3 and CLOSE-5 by e-mail, through a real SMTP server: a person subscribes on the status
page, confirms by the mailed link (double opt-in), and then gets the major incident's notice,
each update and the resolution, once each and in order, until one click unsubscribes them."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import requests

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import cases, texts
from tests.status_site import major_outage, resolve_and_close, served
from tests.subscriber_fixtures import Inbox

OPS = "ops@partner.example"
PAGE = "https://it.northwind.example/status"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def link_in(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    text = str(body.get_content())
    return next(w for w in text.split() if w.startswith(f"{PAGE}/{path}?token="))


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def subscribe_and_confirm(base: str, world: World, inbox: Inbox, dana: Driver) -> None:
    answer = requests.post(
        f"{base}/status/subscribe", data={"email": OPS, "service": ["email"]}, timeout=10
    )
    assert answer.status_code == 200
    assert "We sent a confirmation link to ops@partner.example." in answer.text
    dana.settle()
    (confirmation,) = inbox.messages(OPS)
    link = link_in(confirmation, "confirm")
    asked = requests.get(f"{base}/status/confirm", params={"token": token_of(link)}, timeout=10)
    assert asked.status_code == 200 and "<button" in asked.text
    assert "You are subscribed" not in asked.text, "a GET (a mail scanner) confirms nothing"
    done = requests.post(f"{base}/status/confirm", data={"token": token_of(link)}, timeout=10)
    assert done.status_code == 200
    assert (
        "ops@partner.example gets an e-mail when a major incident affects E-mail and "
        "calendars" in done.text
    )
    inbox.received.clear()


def test_bcast_3_a_confirmed_subscriber_gets_notice_updates_and_resolution_by_email_in_order(
    mail_world: World, inbox: Inbox
) -> None:
    world = mail_world
    dana = Driver(world=world, user="U0DESK01")
    with served(world) as base:
        subscribe_and_confirm(base, world, inbox, dana)
        as_user(world, "priya").command(
            "/case subscribers add email vpn-watch@partner.example services=vpn"
        )
        priya = major_outage(world, dana)
        priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
        priya.command("/case update CASE-1001 Mail flows again; we are watching the queues")
        resolve_and_close(world, priya)
        dana.settle()
        mails = inbox.messages(OPS)
        assert inbox.messages("vpn-watch@partner.example") == [], "an e-mail outage only"
        assert [m["Subject"] for m in mails] == [
            "CASE-1001 Major incident: Email is down for everyone",
            "CASE-1001 Update: Email is down for everyone",
            "CASE-1001 Update: Email is down for everyone",
            "CASE-1001 Resolved: Email is down for everyone",
        ]
        assert [plain(m).splitlines()[2] for m in mails] == [
            "We are investigating a major incident affecting E-mail and calendars: Email is "
            "down for everyone.",
            "Failover to the standby mail store is under way",
            "Mail flows again; we are watching the queues",
            "Resolved. Failed over to the standby mail store. Service fully restored.",
        ]
        first = mails[0]
        unsubscribe = link_in(first, "unsubscribe")
        assert first["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert first["To"] == OPS
        assert first["From"] == "Northwind IT Service Desk <no-reply@it.northwind.example>"
        assert first["References"] == "<CASE-1001@it.northwind.example>"
        assert first["X-Casedesk-Notice"].startswith("CASE-1001/notice/")
        assert len({m["Message-ID"] for m in mails}) == 4
        (case,) = cases(world)
        policy = world.runtime.policy
        zone = ZoneInfo(policy.calendars[policy.default_calendar].timezone)
        started = case.first_contact_at.astimezone(zone)
        assert plain(first) == (
            "Major incident: CASE-1001 Email is down for everyone\n\n"
            "We are investigating a major incident affecting E-mail and calendars: Email is "
            "down for everyone.\n\n"
            "Status: Investigating\nAffected: E-mail and calendars\nImpact: Extensive impact\n"
            f"Started: {started:%a} {started.day} {started:%b %Y, %H:%M %Z}\n\n"
            f"Follow it live: {PAGE}\n"
            "Questions? Contact the Northwind IT Service Desk and quote CASE-1001.\n\n--\n"
            "You get this because ops@partner.example subscribed to major-incident updates for "
            "E-mail and calendars.\n"
            f"Unsubscribe with one click: {unsubscribe}\n"
        )
        assert "Resolved: " in plain(mails[-1]) and "Next update by" not in plain(mails[-1])
        assert "<h1" in html(first) and "Email is down for everyone" in html(first)

        one_click = requests.post(
            f"{base}/status/unsubscribe",
            params={"token": token_of(unsubscribe)},
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        assert one_click.status_code == 200
        assert "No more major-incident updates go to ops@partner.example." in one_click.text
        inbox.received.clear()
        major_outage(world, dana, Summary="Calendars do not sync")  # CASE-1002, same service
    assert "CASE-1002" in texts(world, "C0MAJOR")[-1]
    assert inbox.messages(OPS) == [], "nothing more reaches the unsubscribed address"
    listing = as_user(world, "priya").command("/case subscribers")
    assert listing is not None
    assert listing["text"].startswith("*External subscribers*\n• *2* email vpn-watch@")


def test_bcast_3_case_text_is_escaped_in_the_html_mail(mail_world: World, inbox: Inbox) -> None:
    hostile = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>'
    added = as_user(mail_world, "priya").command(
        "/case subscribers add email frontdesk@northwind.example services=email"
    )
    assert added is not None and added["text"] == (
        "Added subscriber 1: email frontdesk@northwind.example for E-mail and calendars."
    )
    major_outage(mail_world, Driver(world=mail_world, user="U0DESK01"), Summary=hostile)
    (notice,) = inbox.messages("frontdesk@northwind.example")
    assert notice["Subject"] == f"CASE-1001 Major incident: {hostile}"
    page = html(notice)
    assert "<img" not in page and "<script" not in page
    assert (
        '<h1 style="font-size:1.3em">Major incident: CASE-1001 &lt;img src=x '
        "onerror=&quot;alert(1)&quot;&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;</h1>"
    ) in page
