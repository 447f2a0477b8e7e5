"""BCAST-3's self-service endpoints and their bad input, over HTTP from the web app the bot
serves: malformed addresses and unknown services, a subscribe flood from one address or one
client (refused with 429 and Retry-After), forged and expired confirm and unsubscribe links.
Each is refused with a page that says what was wrong, and nothing is recorded or sent."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import select

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from store.models import Subscriber, SubscriberState
from tests.conftest import world_settings
from tests.status_site import served
from tests.subscriber_fixtures import Inbox, subscribers_config
from tests.test_subscribers_mail import link_in, token_of


def subscribe(base: str, email: str, *services: str) -> requests.Response:
    return requests.post(
        f"{base}/status/subscribe", data={"email": email, "service": list(services)}, timeout=10
    )


def subscribers(world: World) -> list[tuple[str, str, list[str]]]:
    with world.runtime.db.reading() as session:
        return [
            (s.address, s.state.value, list(s.services))
            for s in session.scalars(select(Subscriber).order_by(Subscriber.id))
        ]


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("alex", "it needs exactly one @"),
        ("alex@@northwind.example", "it needs exactly one @"),
        ("alex smith@northwind.example", "it holds spaces or characters an address cannot have"),
        ("alex@localhost", "the part after the @ is not a domain like example.org"),
        (".alex@northwind.example", "the part before the @ is not a mailbox name"),
        ("alex@northwind.123", "the domain does not end in a top-level domain like .org"),
        ("", "it is empty"),
    ],
)
def test_bcast_3_a_malformed_address_is_refused_and_nothing_is_recorded(
    mail_world: World, inbox: Inbox, address: str, problem: str
) -> None:
    with served(mail_world) as base:
        answer = subscribe(base, address, "email")
    assert answer.status_code == 400
    assert (
        f"{address!r} is not an e-mail address: {problem}. Write an address like "
        "name@example.org." in answer.text.replace("&#x27;", "'")
    )
    Driver(world=mail_world, user="U0DESK01").settle()
    assert subscribers(mail_world) == [] and inbox.received == []


def test_bcast_3_an_unknown_service_is_refused(mail_world: World, inbox: Inbox) -> None:
    with served(mail_world) as base:
        answer = subscribe(base, "ops@partner.example", "email", "teleporter")
    assert answer.status_code == 400
    assert "teleporter is not a service of this desk. Choose from: email, vpn," in answer.text
    assert subscribers(mail_world) == []


def test_bcast_3_a_subscribe_flood_from_one_address_or_one_client_is_refused(
    mail_world: World, inbox: Inbox
) -> None:
    dana = Driver(world=mail_world, user="U0DESK01")
    with served(mail_world) as base:
        answers = [subscribe(base, "ops@partner.example", "email") for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[3].headers["Retry-After"] == "3600"
        assert (
            "Too many requests: ops@partner.example was sent 3 confirmation mails in the last "
            "hour. Check the inbox (and the spam folder) for the link, or try again in 60 "
            "minutes." in answers[3].text
        )
        others = [subscribe(base, f"person{n}@partner.example", "vpn") for n in range(8)]
        assert [a.status_code for a in others] == [200] * 7 + [429]
        assert (
            "Too many requests: this connection asked for 10 confirmation mails in the last "
            "hour." in others[-1].text
        )
        dana.settle()
        assert len(inbox.messages("ops@partner.example")) == 3
        assert len(inbox.received) == 10, "a refused request sends nothing"
        mail_world.runtime.clock.advance(timedelta(hours=1, seconds=1))
        assert subscribe(base, "ops@partner.example", "email").status_code == 200, "an hour on"


def test_bcast_3_forged_and_expired_links_are_refused_and_change_nothing(
    mail_world: World, inbox: Inbox
) -> None:
    dana = Driver(world=mail_world, user="U0DESK01")
    with served(mail_world) as base:
        assert subscribe(base, "ops@partner.example", "email").status_code == 200
        dana.settle()
        (confirmation,) = inbox.messages("ops@partner.example")
        token = token_of(link_in(confirmation, "confirm"))
        purpose, number, expires, mac = token.split(".")
        forged = [
            f"{purpose}.{number}.{int(expires) + 86400}.{mac}",  # a longer life, same signature
            f"{purpose}.2.{expires}.{mac}",  # someone else's subscription
            f"unsubscribe.{number}.{expires}.{mac}",  # used for another purpose
            "confirm.1.2000000000",
        ]
        for bad in forged:
            answer = requests.post(f"{base}/status/confirm", data={"token": bad}, timeout=10)
            assert answer.status_code == 400, bad
            assert "This link is not one the desk sent" in answer.text, bad
        assert subscribers(mail_world) == [("ops@partner.example", "pending", [])]
        mail_world.runtime.clock.advance(timedelta(hours=48, seconds=1))
        late = requests.post(f"{base}/status/confirm", data={"token": token}, timeout=10)
        assert late.status_code == 400
        assert "This link has expired. Subscribe again on the status page." in late.text
        assert subscribers(mail_world) == [("ops@partner.example", "pending", [])]
        unsubscribe = requests.post(
            f"{base}/status/unsubscribe",
            params={"token": f"unsubscribe.1.{expires}.{mac}"},
            timeout=10,
        )
        assert unsubscribe.status_code == 400
        assert (
            "This link is not one the desk sent (its signature does not match). Use the "
            "link in a newer mail, or ask the service desk to take the address off."
            in (unsubscribe.text)
        )
        wrong_way = requests.get(f"{base}/status/subscribe", timeout=10)
        assert wrong_way.status_code == 405 and wrong_way.headers["Allow"] == "POST"
    with mail_world.runtime.db.reading() as session:
        (row,) = session.scalars(select(Subscriber))
        assert row.state == SubscriberState.PENDING


def test_bcast_3_a_private_status_page_takes_subscriptions_only_with_its_token(
    database_url: str,
    clock: Clock,
    tmp_path: Path,
    smtp_server: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASEDESK_STATUS_TOKEN", "t" * 32)
    folder = subscribers_config(tmp_path)
    status = yaml.safe_load((folder / "status.yml").read_text())
    status["page"].update(access="token", token_env="CASEDESK_STATUS_TOKEN")
    (folder / "status.yml").write_text(yaml.safe_dump(status))
    settings = dataclasses.replace(
        world_settings(database_url),
        smtp_url=f"smtp://127.0.0.1:{smtp_server[1]}",
        config_dir=folder,
    )
    world = build_world(settings, clock=clock)
    try:
        with served(world) as base:
            without = subscribe(base, "ops@partner.example", "email")
            forged = requests.post(
                f"{base}/status/subscribe",
                data={"email": "ops@partner.example", "service": "email", "token": "x" * 32},
                timeout=10,
            )
            with_token = requests.post(
                f"{base}/status/subscribe",
                data={"email": "ops@partner.example", "service": "email", "token": "t" * 32},
                timeout=10,
            )
        assert [without.status_code, forged.status_code, with_token.status_code] == [401, 401, 200]
        assert "This status page is private: subscribe from the page itself" in without.text
        assert [s[0] for s in subscribers(world)] == ["ops@partner.example"]
    finally:
        world.close()
