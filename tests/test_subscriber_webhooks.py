"""BCAST-3 and CLOSE-5 by webhook: signed JSON posts of each announcement to a receiver on
loopback that fails some of them (500, too slow, the connection dropped). Each notice reaches it
once (the same idempotency key on every attempt) and in order: a later notice waits for an
earlier failed one, retried with backoff on the desk's clock. A receiver failing for a day is
paused and management told once. Bad webhook addresses are refused clearly."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.render.common import plain_when
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from tests.conftest import as_user, world_settings
from tests.helpers import cases, events, last_ephemeral, texts
from tests.status_site import major_outage, resolve_and_close
from tests.subscriber_fixtures import Post, Receiver, subscribers_config

MANAGEMENT = "C0MGMT"


def add_webhook(world: World, url: str) -> str:
    """Priya (command center) adds the receiver for e-mail outages; its secret, shown once."""
    answer = as_user(world, "priya").command(f"/case subscribers add webhook {url} services=email")
    assert answer is not None
    assert answer["text"].startswith(
        f"Added subscriber 1: webhook {url} for E-mail and calendars.\nIts signing secret, shown "
        "this once"
    )
    found = re.search(r"`([0-9a-f]{64})`", answer["text"])
    assert found is not None
    return found.group(1)


def keys(world: World) -> dict[str, str]:
    """The idempotency keys of CASE-1001's announcements, from its timeline."""
    (notice,) = events(world, 1001, "major")
    updates = events(world, 1001, "status_update")
    found = {"notice": f"CASE-1001/notice/{notice.id}"}
    for number, update in enumerate(updates, start=1):
        found[f"update{number}"] = f"CASE-1001/update/{update.id}"
    for closed in events(world, 1001, "closed"):
        found["resolution"] = f"CASE-1001/resolution/{closed.id}"
    return found


def verified(post: Post, secret: str) -> dict[str, object]:
    """The receiver's side of the recipe in the README: check the signature, then read."""
    timestamp = post.headers["X-Casedesk-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}:".encode() + post.body, hashlib.sha256)
    assert hmac.compare_digest(
        post.headers["X-Casedesk-Signature"], f"sha256={expected.hexdigest()}"
    )
    document: dict[str, object] = json.loads(post.body)
    return document


def later(world: World, driver: Driver, seconds: float) -> None:
    world.runtime.clock.advance(timedelta(seconds=seconds))
    driver.settle()


def test_bcast_3_a_webhook_gets_each_notice_once_and_in_order_through_500_slow_and_dropped(
    mail_world: World, receiver: Receiver
) -> None:
    world = mail_world
    dana = Driver(world=world, user="U0DESK01")
    secret = add_webhook(world, receiver.url)
    receiver.script = ["500", "slow", "drop"]
    priya = major_outage(world, dana)
    priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
    assert len(receiver.posts) == 1, "the update waits behind the notice that failed"
    later(world, dana, 15)  # the second attempt: too slow for the timeout
    later(world, dana, 30)  # the third: the connection is dropped
    assert len(receiver.posts) == 3
    later(world, dana, 60)  # the fourth gets through, and the update right after it
    resolve_and_close(world, priya)  # CLOSE-5: the resolution reaches the subscriber
    known = keys(world)
    notice, update, resolution = known["notice"], known["update1"], known["resolution"]
    assert [(p.headers["Idempotency-Key"], p.answer) for p in receiver.posts] == [
        (notice, "500"),
        (notice, "slow"),
        (notice, "drop"),
        (notice, "ok"),
        (update, "ok"),
        (resolution, "ok"),
    ]
    acted_on: list[str] = []  # a receiver that drops what it saw already, by the key
    for post in receiver.posts:
        key = post.headers["Idempotency-Key"]
        if post.answer in ("ok", "slow") and key not in acted_on:
            acted_on.append(key)
    assert acted_on == [notice, update, resolution], "each once, in order"
    documents = [verified(post, secret) for post in receiver.posts]
    assert [d["event"] for d in documents] == ["incident.notice"] * 4 + [
        "incident.update",
        "incident.resolution",
    ]
    last = documents[-1]
    assert last["notice"] == {
        "id": resolution,
        "kind": "resolution",
        "at": last["incident"]["updates"][-1]["at"],  # type: ignore[index]
        "text": "Resolved. Failed over to the standby mail store. Service fully restored.",
    }
    assert last["incident"]["status"] == "resolved"  # type: ignore[index]
    assert [p.headers["X-Casedesk-Event"] for p in receiver.posts[-2:]] == [
        "incident.update",
        "incident.resolution",
    ]
    listing = as_user(world, "priya").command("/case subscribers")
    assert listing is not None
    assert (
        f"• *1* webhook {receiver.url} — E-mail and calendars · active · last delivered"
        in (listing["text"])
    )


def test_bcast_3_a_webhook_failing_for_a_day_is_paused_and_management_told_once(
    mail_world: World, receiver: Receiver
) -> None:
    world = mail_world
    dana = Driver(world=world, user="U0DESK01")
    add_webhook(world, receiver.url)
    receiver.script = ["500"] * 500
    priya = major_outage(world, dana)
    receiver_first_attempt = receiver.posts[0].headers["X-Casedesk-Timestamp"]
    later(world, dana, 12 * 3600)
    listing = as_user(world, "priya").command("/case subscribers")
    assert listing is not None and "· active · failing since <!date^" in listing["text"]
    assert "HTTP 500: receiver broke" in listing["text"]
    priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
    tried = len(receiver.posts)
    later(world, dana, 12 * 3600)  # a day after the first failure
    assert len(receiver.posts) == tried + 1
    paused = [t for t in texts(world, MANAGEMENT) if "is paused" in t]
    assert len(paused) == 1
    first_failure = int(receiver_first_attempt)
    assert paused == [
        f":warning: Webhook {receiver.url} (subscriber 1) is paused: failing since "
        f"<!date^{first_failure}^{{date_short_pretty}} {{time}}|"
        f"{plain_when(datetime.fromtimestamp(first_failure, UTC))}> (HTTP 500: receiver broke). "
        "2 notices were not sent; later notices skip it until it is fixed and resumed: "
        "`/case subscribers resume 1`."
    ]
    later(world, dana, 3600)
    priya.command("/case update CASE-1001 Mail flows again")
    assert len(receiver.posts) == tried + 1, "a paused subscriber is not tried"
    assert len([t for t in texts(world, MANAGEMENT) if "is paused" in t]) == 1, "told once"
    receiver.script = []
    resumed = as_user(world, "priya").command("/case subscribers resume 1")
    assert resumed is not None and resumed["text"] == (
        f"Subscriber 1 ({receiver.url}) is active again: it gets the next notice. The ones it "
        "missed while paused are not sent."
    )
    priya.command("/case update CASE-1001 Queues are empty again")
    assert receiver.posts[-1].headers["Idempotency-Key"] == keys(world)["update3"]
    assert receiver.posts[-1].answer == "ok"


def test_bcast_3_a_receivers_retry_after_is_honoured(mail_world: World, receiver: Receiver) -> None:
    dana = Driver(world=mail_world, user="U0DESK01")
    add_webhook(mail_world, receiver.url)
    receiver.script = ["429"]
    major_outage(mail_world, dana)
    later(mail_world, dana, 90)  # past the first backoff (15 s), not past Retry-After (120 s)
    assert [p.answer for p in receiver.posts] == ["429"]
    later(mail_world, dana, 30)
    assert [p.answer for p in receiver.posts] == ["429", "ok"]


def test_bcast_3_webhook_addresses_that_are_not_http_or_point_at_the_bot_are_refused(
    mail_world: World,
) -> None:
    world = mail_world
    priya = as_user(world, "priya")
    refusals = {
        "webhook ftp://hooks.example.org/x": "'ftp://hooks.example.org/x' is not a webhook URL: "
        "it is not an http:// or https:// URL. Give an http(s) URL like "
        "https://hooks.example.org/casedesk.",
        "webhook http://127.0.0.1:3000/hook": "http://127.0.0.1:3000/hook points at this bot "
        "itself; its notices would come straight back. Give the receiving system's own address.",
        "webhook https://it.northwind.example/hook": "https://it.northwind.example/hook points "
        "at this bot itself",
        "email alex@": "'alex@' is not an e-mail address: the part after the @ is not a domain "
        "like example.org. Write an address like name@example.org.",
        "webhook https://hooks.example.org/x services=bogus": "bogus is not a service of this "
        "desk. Choose from: ",
        "pager https://hooks.example.org/x": "Add an `email` or a `webhook`, not 'pager'.",
    }
    for words, refusal in refusals.items():
        priya.command(f"/case subscribers add {words}")
        assert refusal in last_ephemeral(world, priya.user), words
    dana = Driver(world=world, user="U0DESK01")
    dana.command("/case subscribers add webhook https://hooks.example.org/x")
    assert "add subscribers" in last_ephemeral(world, dana.user)
    assert "the managers role" in last_ephemeral(world, dana.user)
    listing = priya.command("/case subscribers")
    assert listing is not None and listing["text"].startswith("*External subscribers*: none yet")
    linked = priya.command(  # as Slack sends a typed address: a mailto link
        "/case subscribers add email <mailto:ops@partner.example|ops@partner.example>"
    )
    assert linked is not None and linked["text"] == (
        "Added subscriber 1: email ops@partner.example for every service."
    )


def test_close_5_closing_a_major_incident_tells_its_subscribers_it_is_resolved(
    mail_world: World, receiver: Receiver
) -> None:
    world = mail_world
    dana = Driver(world=world, user="U0DESK01")
    secret = add_webhook(world, receiver.url)
    priya = major_outage(world, dana)
    resolve_and_close(world, priya)
    dana.command("/case new Printer jams on floor 2 service=email urgency=low for=@jordan")
    if "Record a new case anyway" in last_ephemeral(world, dana.user):
        dana.press("Record a new case anyway")
    dana.command("/case withdraw CASE-1002 Sorted itself out")  # not major: not announced
    assert [(c.number, c.is_major, c.state) for c in cases(world)] == [
        (1001, True, "closed"),
        (1002, False, "closed"),
    ]
    notice, resolution = (verified(post, secret) for post in receiver.posts)
    assert notice["event"] == "incident.notice"
    assert resolution["event"] == "incident.resolution"
    incident = resolution["incident"]
    assert isinstance(incident, dict)
    (closed,) = events(world, 1001, "closed")
    assert (incident["status"], incident["resolved_at"], incident["next_update_due"]) == (
        "resolved",
        closed.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        None,
    )
    assert incident["resolution"] == (
        "Failed over to the standby mail store. Service fully restored."
    )


def test_bcast_3_a_fixed_webhook_of_subscribers_yml_is_signed_with_its_environment_secret(
    database_url: str,
    clock: Clock,
    tmp_path: Path,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "fixed-webhook-secret-" + "z" * 20
    monkeypatch.setenv("CASEDESK_BRIDGE_SECRET", secret)
    fixed = {
        "bridge": {
            "webhook": receiver.url,
            "secret_env": "CASEDESK_BRIDGE_SECRET",
            "services": ["email"],
        }
    }
    settings = dataclasses.replace(
        world_settings(database_url), config_dir=subscribers_config(tmp_path, subscribers=fixed)
    )
    world = build_world(settings, clock=clock)
    try:
        listing = as_user(world, "priya").command("/case subscribers")
        assert listing is not None
        assert (
            f"• *1* webhook {receiver.url} — E-mail and calendars · active · nothing "
            "delivered yet · subscribers.yml" in listing["text"]
        )
        as_user(world, "priya").command("/case subscribers remove 1")
        assert "is kept in config/subscribers.yml as `bridge`; take it out there." in (
            last_ephemeral(world, "U0CC01")
        )
        major_outage(world, Driver(world=world, user="U0DESK01"))
        (post,) = receiver.posts
        assert verified(post, secret)["event"] == "incident.notice"
    finally:
        world.close()
