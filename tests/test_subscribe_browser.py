"""BCAST-3 in a real browser (Debian's Chromium through Playwright, the Chromium of
tests/test_status_browser.py): the status page's "Get updates" form subscribes, the link in the
confirmation mail (from a real SMTP server) confirms, the next major incident's notice arrives,
and the mail's one-click unsubscribe link ends it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests import test_status_browser
from tests.status_site import major_outage, served
from tests.subscriber_fixtures import Inbox
from tests.test_subscribers_mail import PAGE, link_in

# The SQLite pass only, as the status page's browser tests (the browser reads HTML).
pytestmark = [pytest.mark.sqlite_pass_only, test_status_browser.pytestmark]
browser = test_status_browser.browser  # one Chromium for the module


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_bcast_3_subscribing_on_the_page_confirming_and_unsubscribing_in_the_browser(
    mail_world: World, inbox: Inbox, tab: Page
) -> None:
    dana = Driver(world=mail_world, user="U0DESK01")
    with served(mail_world) as base:
        tab.goto(f"{base}/status")
        tab.get_by_label("Your e-mail address").fill("olu@partner.example")
        boxes = tab.locator("input[type=checkbox][name=service]")
        for index in range(boxes.count()):
            if boxes.nth(index).get_attribute("value") != "email":
                boxes.nth(index).uncheck()
        tab.get_by_role("button", name="Subscribe").click()
        tab.wait_for_load_state("load")
        assert tab.locator("h1").inner_text() == "Check your inbox"
        assert (
            tab.get_by_role("status")
            .inner_text()
            .startswith(
                "We sent a confirmation link to olu@partner.example. Nothing else is sent until "
                "you follow it"
            )
        )
        dana.settle()
        (confirmation,) = inbox.messages("olu@partner.example")
        tab.goto(link_in(confirmation, "confirm").replace(PAGE, f"{base}/status"))
        assert tab.locator("h1").inner_text() == "Confirm your subscription"
        tab.get_by_role("button", name="Confirm").click()
        tab.wait_for_load_state("load")
        assert tab.get_by_role("status").inner_text() == (
            "olu@partner.example gets an e-mail when a major incident affects E-mail and "
            "calendars: the first notice, each update and the resolution. Every mail has a "
            "one-click unsubscribe link."
        )
        major_outage(mail_world, dana)
        notice = inbox.messages("olu@partner.example")[-1]
        assert notice["Subject"] == "CASE-1001 Major incident: Email is down for everyone"
        tab.goto(link_in(notice, "unsubscribe").replace(PAGE, f"{base}/status"))
        tab.get_by_role("button", name="Unsubscribe").click()
        tab.wait_for_load_state("load")
        assert tab.locator("h1").inner_text() == "You are unsubscribed"
        back = tab.get_by_role("link", name="Back to the status page")
        assert back.get_attribute("href") == PAGE
