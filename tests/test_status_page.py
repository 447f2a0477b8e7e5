"""BCAST-2 and CLOSE-5: the status page, /status.json and /status.atom, fed by the desk's own
major incidents, read over HTTP from the web app the bot serves."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import feedparser
import requests

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.status.web import StatusSite
from bot.web_server import start_web_server
from tests.helpers import P1_ANSWERS, cases, events, fill_and_submit, last_ephemeral
from tests.status_site import get, major_outage, resolve_and_close, served, status_json

PRIYA, ALEX, DANA = "U0CC01", "U0USER01", "U0DESK01"


def z(moment: object) -> str:
    from bot.status.incidents import rfc3339

    found = rfc3339(moment)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_bcast_2_status_json_lists_the_major_incident_with_its_announcements(
    world: World, dana: Driver
) -> None:
    priya = major_outage(world, dana)
    priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
    (case,) = cases(world)
    notice, update = events(world, 1001, "major")[0], events(world, 1001, "status_update")[0]
    clock = next(c for c in case.clocks if c.metric == "next_update")
    with served(world) as base:
        document = status_json(base)
    assert document["version"] == 1
    assert document["page"] == {
        "title": "Northwind IT service status",
        "url": "https://it.northwind.example/status",
    }
    assert document["generated_at"] == z(update.at)
    assert document["incidents"] == [
        {
            "number": "CASE-1001",
            "title": "Email is down for everyone",
            "services": ["email"],
            "service_names": ["E-mail and calendars"],
            "priority": "P1",
            "priority_label": "Critical",
            "impact": "Extensive impact",
            "status": "investigating",
            "status_label": "Investigating",
            "started_at": z(case.first_contact_at),
            "updated_at": z(update.at),
            "resolved_at": None,
            "next_update_due": z(clock.due_at),
            "resolution": None,
            "updates": [
                {
                    "id": f"CASE-1001/notice/{notice.id}",
                    "kind": "notice",
                    "at": z(notice.at),
                    "text": "We are investigating a major incident affecting E-mail and "
                    "calendars: Email is down for everyone.",
                },
                {
                    "id": f"CASE-1001/update/{update.id}",
                    "kind": "update",
                    "at": z(update.at),
                    "text": "Failover to the standby mail store is under way",
                },
            ],
        }
    ]
    assert clock.due_at is not None and clock.due_at - update.at == timedelta(minutes=30)
    states = {s["key"]: s["state"] for s in document["services"]}
    assert states == {
        "email": "outage",
        "vpn": "operational",
        "identity": "operational",
        "network": "operational",
        "laptops": "operational",
        "printers": "operational",
        "payroll": "operational",
    }
    assert document["services"][0] == {
        "key": "email",
        "name": "E-mail and calendars",
        "state": "outage",
        "state_label": "Outage",
        "incidents": ["CASE-1001"],
    }
    assert [w["ref"] for w in document["planned"]] == ["CHG-2231"]


def test_bcast_2_a_lesser_major_incident_degrades_and_planned_work_shows_in_its_window(
    world: World, dana: Driver
) -> None:
    dana.command("/case new Office network down on floor 3 service=network for=@jordan")
    dana.command("/change add vpn now 2h VPN concentrator firmware")
    assert "Added *CHG-1*" in last_ephemeral(world, DANA)
    with served(world) as base:
        document = status_json(base)
        page = get(f"{base}/status").text
    states = {s["key"]: s["state"] for s in document["services"]}
    assert (states["network"], states["vpn"], states["email"]) == (
        "degraded",
        "planned",
        "operational",
    )
    (incident,) = document["incidents"]
    assert (incident["number"], incident["priority"], incident["impact"]) == (
        "CASE-1001",
        "P3",
        "Significant impact",
    )
    chg = document["planned"][0]
    assert (chg["ref"], chg["service"], chg["title"], chg["in_progress"]) == (
        "CHG-1",
        "vpn",
        "VPN concentrator firmware",
        True,
    )
    assert "1 major incident in progress" in page
    assert "<strong>VPN and remote access</strong>: VPN concentrator firmware (in progress" in page


def test_bcast_2_only_customer_facing_text_reaches_the_page_and_feeds(
    world: World, dana: Driver
) -> None:
    priya = major_outage(world, dana)
    priya.channel = cases(world)[0].channel_id
    priya.command("/case note Vendor ticket 4471: their engineer blames our firewall change")
    assert events(world, 1001, "note")
    priya.command("/case update CASE-1001 We are restoring service from the standby store")
    with served(world) as base:
        bodies = [get(f"{base}{path}").text for path in ("/status", "/status.json", "/status.atom")]
    for body in bodies:
        assert "We are restoring service from the standby store" in body
        for secret in ("Vendor ticket 4471", "firewall", PRIYA, ALEX, DANA, "Priya", "Alex"):
            assert secret not in body, secret
        assert "Operations Command Center" not in body  # who works it stays internal too


def test_bcast_2_the_atom_feed_is_valid_with_one_stable_entry_per_announcement(
    world: World, dana: Driver
) -> None:
    priya = major_outage(world, dana)
    with served(world) as base:
        first = feedparser.parse(get(f"{base}/status.atom").content)
        priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
        resolve_and_close(world, priya)
        last = feedparser.parse(get(f"{base}/status.atom").content)
    assert first.bozo is False and last.bozo is False, last.get("bozo_exception")
    assert last.version == "atom10"
    assert [e.title for e in last.entries] == [
        "CASE-1001 Resolved: Email is down for everyone",
        "CASE-1001 Update: Email is down for everyone",
        "CASE-1001 Major incident: Email is down for everyone",
    ]
    notice, update, closed = (
        events(world, 1001, "major")[0],
        events(world, 1001, "status_update")[0],
        events(world, 1001, "closed")[0],
    )
    assert [e.id for e in last.entries] == [
        f"tag:it.northwind.example,{closed.at.year}:CASE-1001/resolution/{closed.id}",
        f"tag:it.northwind.example,{update.at.year}:CASE-1001/update/{update.id}",
        f"tag:it.northwind.example,{notice.at.year}:CASE-1001/notice/{notice.id}",
    ]
    assert [e.id for e in first.entries] == [last.entries[-1].id], "an entry keeps its id"
    assert last.entries[0].summary == (
        "Resolved. Failed over to the standby mail store. Service fully restored.\n\n"
        "Affected: E-mail and calendars."
    )
    assert last.entries[0].link == "https://it.northwind.example/status#CASE-1001"
    assert last.feed.title == "Northwind IT service status"


def test_close_5_closing_a_major_incident_resolves_it_on_the_page_and_the_feeds(
    world: World, dana: Driver
) -> None:
    priya = major_outage(world, dana)
    with served(world) as base:
        before = get(f"{base}/status").text
        resolve_and_close(world, priya)
        after = get(f"{base}/status").text
        document = status_json(base)
    assert "1 major incident in progress" in before
    assert "All services are operating normally" in after
    current, resolved = after.split('<h2 id="resolved">Recently resolved</h2>')
    assert "CASE-1001" not in current.split('<h2 id="current">')[1]
    assert "CASE-1001: Email is down for everyone" in resolved
    assert (
        "<strong>Resolution:</strong> Failed over to the standby mail store. Service fully "
        "restored." in resolved
    )
    (case,) = cases(world)
    (incident,) = document["incidents"]
    assert (incident["status"], incident["resolved_at"], incident["next_update_due"]) == (
        "resolved",
        z(case.closed_at),
        None,
    )
    assert document["services"][0]["state"] == "operational"


def test_bcast_2_a_resolved_incident_leaves_the_page_after_resolved_for(
    world: World, dana: Driver, clock: Clock
) -> None:
    priya = major_outage(world, dana)
    resolve_and_close(world, priya)
    with served(world) as base:
        clock.advance(timedelta(days=6, hours=23))
        assert [i["number"] for i in status_json(base)["incidents"]] == ["CASE-1001"]
        clock.advance(timedelta(hours=2))
        assert status_json(base)["incidents"] == []


def test_bcast_2_etag_and_last_modified_answer_304(
    world: World, dana: Driver, clock: Clock
) -> None:
    priya = major_outage(world, dana)
    clock.advance(timedelta(seconds=3))  # a Last-Modified is sent once its second has settled
    with served(world) as base:
        first = get(f"{base}/status")
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert get(f"{base}/status", **{"If-None-Match": etag}).status_code == 304
        assert get(f"{base}/status", **{"If-Modified-Since": modified}).status_code == 304
        assert get(f"{base}/status", **{"If-None-Match": '"other"'}).status_code == 200
        priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
        changed = get(f"{base}/status", **{"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
        assert "Failover to the standby mail store is under way" in changed.text
        packed = get(f"{base}/status.json")  # requests asks for gzip and unpacks it
        plain = get(f"{base}/status.json", **{"Accept-Encoding": "identity"})
        assert (packed.headers["Content-Encoding"], packed.json()) == ("gzip", plain.json())
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
        assert packed.headers["Vary"] == "Accept-Encoding"
        assert int(packed.headers["Content-Length"]) < int(plain.headers["Content-Length"])
        head = requests.head(f"{base}/status.json", timeout=15)
        assert (head.status_code, head.content) == (200, b"")
        post = requests.post(f"{base}/status.json", timeout=15)
        assert (post.status_code, post.headers["Allow"]) == (405, "GET, HEAD")
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'sha256-" in first.headers["Content-Security-Policy"]


def test_bcast_2_no_last_modified_is_sent_while_its_second_could_still_change(
    world: World, dana: Driver, clock: Clock
) -> None:
    """A browser that reloads with If-Modified-Since alone (Chromium does) got 304 and the old
    page when an update came in the same second as the notice: HTTP dates are whole seconds.
    No Last-Modified goes out until its second is two seconds behind, so none can be shared."""
    priya = major_outage(world, dana)
    with served(world) as base:
        fresh = get(f"{base}/status")
        assert ("ETag" in fresh.headers, "Last-Modified" in fresh.headers) == (True, False)
        priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
        clock.advance(timedelta(seconds=3))
        settled = get(f"{base}/status")
        (update,) = events(world, 1001, "status_update")
        modified = settled.headers["Last-Modified"]
        assert modified == format_datetime(update.at.replace(microsecond=0), usegmt=True)
        again = get(f"{base}/status", **{"If-Modified-Since": modified})
        assert again.status_code == 304


def test_bcast_2_a_change_that_is_not_an_announcement_moves_last_modified(
    world: World, dana: Driver, clock: Clock
) -> None:
    """Resolving changes the page (Investigating becomes "Fix applied, monitoring") without an
    announcement; a reader revalidating by date alone must get the new page, not a 304."""
    priya = major_outage(world, dana)
    clock.advance(timedelta(seconds=3))
    with served(world) as base:
        before = get(f"{base}/status")
        modified = before.headers["Last-Modified"]
        assert "Fix applied, monitoring" not in before.text
        priya.command("/case resolve CASE-1001 Failed over to the standby mail store")
        clock.advance(timedelta(seconds=3))
        after = get(f"{base}/status", **{"If-Modified-Since": modified})
    assert after.status_code == 200
    assert "Fix applied, monitoring" in after.text
    assert after.headers["Last-Modified"] != modified


def test_bcast_2_a_burst_of_readers_renders_once_and_two_processes_agree(
    world: World, dana: Driver
) -> None:
    major_outage(world, dana)
    runtime = world.runtime
    sites = [StatusSite(db=runtime.db, policy=runtime.policy, clock=runtime.clock) for _ in "ab"]
    servers = [start_web_server(site, host="127.0.0.1", port=0) for site in sites]
    try:
        url = f"http://127.0.0.1:{servers[0].port}/status"
        answers: list[requests.Response] = []
        start = threading.Barrier(50)

        def read() -> None:
            start.wait()
            answers.append(get(url))

        readers = [threading.Thread(target=read) for _ in range(50)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        other = get(f"http://127.0.0.1:{servers[1].port}/status")
    finally:
        for server in servers:
            server.stop()
    assert [a.status_code for a in answers] == [200] * 50
    assert sites[0].cache.builds == 1, "fifty readers at once, one render"
    assert {a.headers["ETag"] for a in answers} == {other.headers["ETag"]}
    assert other.text == answers[0].text


def test_bcast_2_times_are_rfc_3339_utc_and_the_page_has_the_desks_zone(
    world: World, dana: Driver
) -> None:
    major_outage(world, dana)
    (case,) = cases(world)
    with served(world) as base:
        page = get(f"{base}/status").text
    local = case.first_contact_at.astimezone(ZoneInfo("Europe/London"))  # office-hours' zone
    shown = f"{local:%a} {local.day} {local:%b %H:%M} {local.tzname()}"
    assert local.tzname() in ("GMT", "BST")
    stamp = z(case.first_contact_at)
    assert f'<dt>Started</dt><dd><time datetime="{stamp}">{shown}</time></dd>' in page
    assert '<html lang="en">' in page and '<meta http-equiv="refresh" content="60">' in page


def test_bcast_2_time_alone_moves_the_page_when_work_starts_and_an_update_falls_due(
    world: World, dana: Driver, clock: Clock
) -> None:
    major_outage(world, dana)
    dana.command("/change add vpn 30m 2h VPN concentrator firmware")
    assert "Added *CHG-1*" in last_ephemeral(world, DANA)
    with served(world) as base:
        before = status_json(base)
        page_before = get(f"{base}/status").text
        clock.advance(timedelta(minutes=31))
        after = status_json(base)
        page_after = get(f"{base}/status").text
    states = [{s["key"]: s["state"] for s in d["services"]}["vpn"] for d in (before, after)]
    assert states == ["operational", "planned"]
    assert [d["planned"][0]["in_progress"] for d in (before, after)] == [False, True]
    assert "(overdue)" not in page_before and "(overdue)" in page_after  # due after 30 min
    assert after["generated_at"] == after["planned"][0]["starts_at"]


def test_bcast_2_a_major_case_held_for_an_unsupported_service_is_not_on_the_page(
    world: World, dana: Driver
) -> None:
    dana.command("/case")
    fill_and_submit(
        dana,
        {**P1_ANSWERS, "Affected service": "Personal phones and home equipment (not supported)"},
    )
    (case,) = cases(world)
    assert case.is_major and case.support_status == "unsupported"
    assert events(world, case.number, "major") == [], "held for an override: not announced"
    runtime = world.runtime
    page = runtime.policy.status_page.model_copy(update={"services": ("personal-devices",)})
    site = StatusSite(
        db=runtime.db,
        policy=dataclasses.replace(runtime.policy, status_page=page),
        clock=runtime.clock,
    )
    web = start_web_server(site, host="127.0.0.1", port=0)
    try:
        document = status_json(f"http://127.0.0.1:{web.port}")
    finally:
        web.stop()
    assert [s["key"] for s in document["services"]] == ["personal-devices"]
    assert document["incidents"] == []
