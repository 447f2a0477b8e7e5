"""A scripted three weeks at the desk for the QUAL-2 tests: every kind of case and event made
the way people make them (commands, buttons, forms in the sandbox), on a clock that stands
still between steps so every duration is exact."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import P1_ANSWERS, fill_and_submit

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday; London is on GMT (UTC) in November
CLOSE_ANSWERS = {
    "Closure code": "Resolved",
    "Root-cause category": "Hardware failure",
    "Fix or workaround": "Permanent fix",
    "Knowledge base": "No article was relevant",
    "Service": "Service fully restored",
}


class StillClock(Clock):
    """Time moves only when the test moves it."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self._at = start
        self._still = threading.Lock()

    def now(self) -> datetime:
        with self._still:
            return self._at

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        with self._still:
            self._at += delta
            return self._at


def at(driver: Driver, moment: datetime) -> None:
    """Let time pass to `moment` (timers fire on the way, as in a running bot)."""
    now = driver.world.runtime.clock.now()
    assert moment >= now, f"the script goes back in time: {moment} < {now}"
    driver.pass_time(moment - now)


def day(d: int, hh: int, mm: int = 0) -> datetime:
    """A moment in November 2026 (UTC, which is London time then)."""
    return datetime(2026, 11, d, hh, mm, tzinfo=UTC)


def close(driver: Driver, number: int, **answers: str) -> None:
    driver.command(f"/case close CASE-{number}")
    fill_and_submit(driver, {**CLOSE_ANSWERS, **answers})


def history(world: World, dana: Driver) -> None:
    """Ten cases over three weeks; the figures test states what each one contributes."""
    ravi, kenji, priya = (as_user(world, n) for n in ("ravi", "kenji", "priya"))
    alex, jordan, lee = (as_user(world, n) for n in ("alex", "jordan", "lee"))
    morgan, lea = as_user(world, "morgan"), as_user(world, "lea")

    # CASE-1001, Mon 2 Nov 09:00: the desk fixes a password on the phone (first contact).
    dana.command(
        "/case new Password expired for Jordan service=identity urgency=medium for=@jordan"
    )
    at(dana, day(2, 9, 10))
    dana.command("/case resolve CASE-1001 Reset the password with Jordan on the phone")
    dana.command("/case verify CASE-1001")
    at(dana, day(2, 9, 15))
    jordan.press("Yes, it works")
    at(dana, day(2, 9, 20))
    close(dana, 1001)
    jordan.press("Yes")  # the survey: solved, speed, overall
    jordan.press("Fast")
    jordan.press("Very")

    # CASE-1002, Mon 10:00: a printer; Ravi takes it at 10:30, the first fix fails, the second
    # applies a knowledge-base article.
    at(dana, day(2, 10))
    dana.command("/case new Printer on floor 2 jams service=printers urgency=medium for=@alex")
    at(dana, day(2, 10, 30))
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    ravi.press("Fixed it", channel="C0EUCQ")  # KB: a suggestion fixed it (he thought)
    at(dana, day(2, 11))
    ravi.command("/case resolve CASE-1002 Cleared the paper path")
    ravi.command("/case verify CASE-1002")
    at(dana, day(2, 11, 30))
    alex.press("No, still broken")
    alex.fill("What still does not work", "It jams again after ten pages")
    alex.submit()
    at(dana, day(2, 12))
    ravi.command("/case resolve CASE-1002")
    ravi.fill("What was done", "Followed the paper-jam article: replaced the pickup roller")
    ravi.fill("Fix or workaround", "Permanent fix")
    ravi.fill("Knowledge-base articles used", "KB-6")
    ravi.submit()
    ravi.command("/case verify CASE-1002")
    at(dana, day(2, 12, 10))
    alex.press("Yes, it works")
    at(dana, day(2, 12, 30))
    close(ravi, 1002, **{"Knowledge base": "A knowledge-base article was applied"})
    alex.press("Partly")  # one answer of three

    # CASE-1003, Mon 14:00: VPN (Network works around the clock); waits on Lee two hours;
    # nobody posts an update, so the next-update clock breaches.
    at(dana, day(2, 14))
    dana.command("/case new VPN drops every hour service=vpn urgency=medium for=@lee")
    at(dana, day(2, 14, 5))
    kenji.press("Take it", channel="C0NETQ")
    kenji.press("4 h")
    kenji.press("Open", channel="C0NETQ")  # KB: opened a suggestion ...
    kenji.press("Send to requester", channel="C0NETQ")  # ... and sent it to Lee
    at(dana, day(2, 15))
    kenji.command("/case wait CASE-1003 Which laptop model do you use?")
    at(dana, day(2, 17))
    kenji.command("/case resume CASE-1003")
    at(dana, day(3, 10))
    kenji.command("/case resolve CASE-1003 Updated the VPN client")
    kenji.command("/case verify CASE-1003")
    lee.press("Yes, it works")
    close(kenji, 1003)

    # CASE-1004, Wed 4 Nov 09:00: a P1 e-mail outage from the form; the command center takes
    # it, escalates to Messaging, updates, resolves; the manager approves the close.
    at(dana, day(4, 9))
    dana.command("/case")
    fill_and_submit(dana, P1_ANSWERS)
    at(dana, day(4, 9, 5))
    priya.press("Take it", channel="C0CMDQ")
    at(dana, day(4, 9, 10))
    priya.command("/case escalate CASE-1004 messaging The mail store needs Messaging")
    at(dana, day(4, 9, 30))
    priya.command("/case update CASE-1004 Messaging is restoring the mail store")
    at(dana, day(4, 9, 55))
    priya.command("/case resolve CASE-1004 Restored the mail store from the replica")
    priya.command("/case verify CASE-1004")
    at(dana, day(4, 10))
    alex.press("Yes, it works")
    close(priya, 1004)
    at(dana, day(4, 10, 10))
    morgan.command("/case approve CASE-1004")

    # CASE-1005, Thu 5 Nov 09:00: a printer that turns out to be the network: transferred.
    at(dana, day(5, 9))
    dana.command("/case new Lobby printer offline service=printers urgency=medium for=@jordan")
    at(dana, day(5, 9, 20))
    ravi.press("Take it", channel="C0EUCQ")
    ravi.press("1 h")
    ravi.press("Did not help", channel="C0EUCQ")  # KB: a suggestion did not help
    at(dana, day(5, 9, 30))
    ravi.command("/case transfer CASE-1005 network The printer's network port is dead")
    at(dana, day(5, 9, 40))
    kenji.press("Take it", channel="C0NETQ")
    kenji.press("1 h")
    at(dana, day(5, 10))
    kenji.command("/case resolve CASE-1005 Patched the port to the new switch")
    kenji.command("/case verify CASE-1005")
    jordan.press("Yes, it works")
    at(dana, day(5, 10, 10))
    close(kenji, 1005)

    # CASE-1006, Mon 9 Nov 09:00: an unsupported service, declined after half an hour.
    at(dana, day(9, 9))
    dana.command("/case new Home router broken service=personal-devices urgency=low for=@lee")
    at(dana, day(9, 9, 30))
    dana.press("Decline", channel="C0DESKQ")
    dana.fill("Reason", "Home equipment is not company equipment")
    dana.submit()

    # CASE-1007, Mon 10:00: a service the catalog lacks, category "I don't know" at intake,
    # completed a day later; still open.
    at(dana, day(9, 10))
    dana.command("/case")
    dana.fill("Requester", "lee")
    dana.fill("Summary", "Webinar tool will not start a session")
    dana.fill("Affected service", "Something not in this list")
    dana.fill("If it is not in the list", "Webinar tool")
    for label, value in {
        "Request type": "Incident",
        "Category": "I don't know",
        "How many people": "Only",
        "Who is affected": "Internal",
        "Is a business-critical": "No",
        "How badly": "It can wait",
        "What changed recently": "Nothing",
    }.items():
        dana.fill(label, value)
    dana.submit()
    at(dana, day(10, 10))
    dana.press("Reclassify", channel="C0DESKQ")
    dana.fill("Category", "Software")
    dana.fill("Reason", "It is the webinar software")
    dana.submit()

    # CASE-1008, Wed 11 Nov 09:00: Alex withdraws a case half an hour after reporting it.
    at(dana, day(11, 9))
    dana.command("/case new Laptop fan is noisy service=laptops urgency=low for=@alex")
    at(dana, day(11, 9, 30))
    alex.command("/case withdraw CASE-1008 It went quiet by itself")

    # CASE-1009, Mon 16 Nov 09:00: a shared calendar nobody takes: its first response breaches.
    at(dana, day(16, 9))
    dana.command("/case new Shared calendar not syncing service=email urgency=low for=@jordan")

    # CASE-1010, Thu 19 Nov 09:00: an access request, taken ten minutes later; open.
    at(dana, day(19, 9))
    dana.command(
        "/case new Access to the finance share service=identity urgency=low type=fulfillment "
        "category=software for=@victor"
    )
    at(dana, day(19, 9, 10))
    lea.press("Take it", channel="C0IDMQ")
    lea.press("1 h")
    at(dana, day(20, 12))  # Friday 20 Nov, noon: the figures are read now
