"""BCAST-2 in a real browser: Debian's Chromium, headless, driven by Playwright. The incident
appears, a status update shows on reload, hostile titles stay text (no dialog, no script), the
"Get updates" form sends what the subscribe endpoint reads, times follow the reader's zone
(the desk's without JavaScript), and the page fits a phone and passes contrast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.helpers import cases
from tests.real_programs import program
from tests.status_site import major_outage, served

# The browser reads HTML; what the database says is tested on both dialects in
# tests/test_status_page.py, so the PostgreSQL pass leaves the browser out (CI's time budget).
pytestmark = pytest.mark.sqlite_pass_only

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT_TITLE = "<script>alert(1)</script>"
IMG_TITLE = "<img src=x onerror=\"alert(2);document.title='owned'\">"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module (a launch costs a second or two)."""
    path = program("chromium", why="the status page is tested in a real browser")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs  # type: ignore[attr-defined]
    yield opened
    context.close()


def test_bcast_2_the_incident_appears_and_a_status_update_shows_on_reload(
    world: World, dana: Driver, page: Page
) -> None:
    priya = major_outage(world, dana)
    with served(world) as base:
        page.goto(f"{base}/status")
        incident = page.locator("article#CASE-1001")
        assert incident.locator("h3").inner_text() == "CASE-1001: Email is down for everyone"
        assert page.get_by_role("status").inner_text() == "1 major incident in progress"
        assert "Latest update" not in incident.inner_text()
        priya.command("/case update CASE-1001 Failover to the standby mail store is under way")
        page.reload()
        latest = incident.locator("p.latest").inner_text()
    assert latest.startswith("Latest update (")
    assert latest.endswith("): Failover to the standby mail store is under way")
    started = incident.locator("dt:text('Started') + dd").inner_text()
    assert started.endswith(("EST", "EDT")), "the script shows the reader's own zone"
    assert page.locator("li:has-text('E-mail and calendars') .badge").inner_text() == "Outage"
    assert page.title() == "(1) Northwind IT service status"


def test_bcast_2_hostile_titles_and_updates_stay_text_in_the_browser(
    world: World, dana: Driver, page: Page
) -> None:
    priya = major_outage(world, dana, Summary=SCRIPT_TITLE)
    other = {"Affected service": "VPN and remote access", "Requester": "jordan"}
    major_outage(world, dana, Summary=IMG_TITLE, **other)
    priya.command(f"/case update CASE-1001 Still down {IMG_TITLE} {SCRIPT_TITLE}")
    assert [c.summary for c in cases(world)] == [SCRIPT_TITLE, IMG_TITLE]
    with served(world) as base:
        page.goto(f"{base}/status")
        page.wait_for_load_state("load")
        headings = page.locator("article h3").all_inner_texts()
        latest = page.locator("article#CASE-1001 p.latest").inner_text()
        found: dict[str, Any] = page.evaluate(
            "() => ({images: document.images.length, scripts: document.scripts.length,"
            " title: document.title})"
        )
    assert headings == [f"CASE-1002: {IMG_TITLE}", f"CASE-1001: {SCRIPT_TITLE}"]
    assert latest.endswith(f"Still down {IMG_TITLE} {SCRIPT_TITLE}")
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert found == {"images": 0, "scripts": 1, "title": "(2) Northwind IT service status"}


def test_bcast_2_the_get_updates_form_posts_an_email_and_the_chosen_services(
    world: World, page: Page
) -> None:
    sent: list[tuple[str, str, str | None]] = []

    def capture(route: Route) -> None:
        request = route.request
        sent.append((request.method, request.url, request.post_data))
        route.fulfill(status=200, content_type="text/plain", body="captured")

    with served(world) as base:
        page.route("**/status/subscribe", capture)
        page.goto(f"{base}/status")
        form = page.locator("form")
        assert form.get_attribute("method") == "post"
        boxes = form.locator("input[type=checkbox][name=service]")
        assert [boxes.nth(i).get_attribute("value") for i in range(boxes.count())] == [
            "email",
            "vpn",
            "identity",
            "network",
            "laptops",
            "printers",
            "payroll",
        ]
        page.get_by_label("Your e-mail address").fill("sam@partner.example")
        for name in ("VPN and remote access", "Passwords, MFA and accounts", "Office network"):
            page.get_by_label(name).uncheck()
        page.get_by_role("button", name="Subscribe").click()
        page.wait_for_load_state("load")
    assert sent == [
        (
            "POST",
            f"{base}/status/subscribe",
            "email=sam%40partner.example&service=email&service=laptops&service=printers"
            "&service=payroll",
        )
    ]


def test_bcast_2_without_javascript_times_are_in_the_desks_zone(
    world: World, dana: Driver, browser: Browser
) -> None:
    major_outage(world, dana)
    context = browser.new_context(java_script_enabled=False, timezone_id="America/New_York")
    try:
        page = context.new_page()
        with served(world) as base:
            page.goto(f"{base}/status")
            started = page.locator("article#CASE-1001 dt:text('Started') + dd").inner_text()
            heading = page.locator("h1").inner_text()
    finally:
        context.close()
    assert started.endswith(("GMT", "BST")), "office-hours' Europe/London"
    assert heading == "Northwind IT service status"


CONTRAST = """() => [...document.querySelectorAll('.badge, .banner, h1, h3, .muted, dd, label')]
  .map(el => { let bg = el; let color = 'rgba(0, 0, 0, 0)';
    while (bg && (color = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') {
      bg = bg.parentElement; }
    return [el.textContent.trim().slice(0, 30), getComputedStyle(el).color, color]; })"""


def _luminance(css: str) -> float:
    channels = [int(part) / 255 for part in css[css.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_bcast_2_the_page_fits_a_phone_and_its_text_passes_aa_contrast(
    world: World, dana: Driver, browser: Browser
) -> None:
    major_outage(world, dana)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = context.new_page()
        with served(world) as base:
            page.goto(f"{base}/status")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            pairs: list[list[str]] = page.evaluate(CONTRAST)
            lang = page.evaluate("() => document.documentElement.lang")
            levels = page.evaluate(
                "() => [...document.querySelectorAll('h1,h2,h3')].map(h => h.tagName)"
            )
    finally:
        context.close()
    assert width <= 375, "no sideways scrolling on a phone"
    assert lang == "en" and levels[:3] == ["H1", "H2", "H3"]
    assert len(pairs) > 20
    for text, fore, back in pairs:
        high, low = sorted((_luminance(fore), _luminance(back)), reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, (text, fore, back)
