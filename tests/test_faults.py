"""Issue 7, Slack faults: with a fifth of the Web API calls failing (429 with Retry-After, 500,
slow answers, dropped connections) during a scripted run of 200 cases, every notification is
delivered exactly once after recovery, in order per case, and every case is as the actions left
it. `CASEDESK_FAULT_CASES` sets the size (200 in CI)."""

from __future__ import annotations

import dataclasses
import os
from collections import Counter, defaultdict
from datetime import timedelta

from bot.command_text import fields_from_command
from bot.sandbox.world import World
from store.models import OutboxItem
from tests.helpers import cases, events, outbox

CASES = int(os.environ.get("CASEDESK_FAULT_CASES", "200"))
SERVICES = (("printers", "U0EUC01"), ("identity", "U0IDM01"), ("laptops", "U0EUC01"))
REQUESTERS = ("U0USER01", "U0USER02")


def deliver_until_quiet(world: World) -> None:
    """Keep delivering, letting time pass for retries, until the outbox holds nothing pending."""
    runtime = world.runtime
    for _ in range(400):
        runtime.dispatcher.drain()
        if not [i for i in outbox(world) if i.status == "pending"]:
            return
        runtime.clock.advance(timedelta(seconds=15))
    raise AssertionError("the outbox never emptied")


def test_a_fifth_of_slack_calls_failing_loses_and_doubles_nothing(world: World) -> None:
    runtime, desk = world.runtime, world.runtime.desk
    chaos = world.standin.chaos(0.2, slow_seconds=0.02, seed=2026)
    taken: dict[int, str] = {}
    noted: Counter[int] = Counter()
    for n in range(CASES):
        service, member = SERVICES[n % len(SERVICES)]
        fields = fields_from_command(
            runtime.policy,
            f"Fault drill {n}: device {n} misbehaves service={service} urgency=medium",
            reporter_id="U0DESK01",
        )
        recorded = desk.intake.record(
            dataclasses.replace(fields, requester_id=REQUESTERS[n % 2]), check_duplicates=False
        )
        number = recorded.case.number  # type: ignore[union-attr]
        if n % 4 == 0:
            desk.work.take(number, actor=member)
            taken[number] = member
            desk.contact.add_note(number, actor=member, text=f"Looked at device {n}")
            noted[number] += 1
        runtime.dispatcher.drain()  # deliveries go on during the run, under the faults
    calls_under_faults = len(world.standin.calls)
    world.standin.calm()
    deliver_until_quiet(world)

    injected = sum(chaos.counts.values())
    assert 0.15 * calls_under_faults <= injected <= 0.25 * calls_under_faults, chaos.counts
    assert set(chaos.counts) == {"429", "500", "slow", "drop"}, chaos.counts
    items = outbox(world)
    assert {i.status for i in items} == {"delivered"}, Counter(i.status for i in items)

    # exactly once: each delivered post is one message where it went, and no message is extra
    posted = [i for i in items if i.operation == "post" and i.slack_ts]
    places = Counter((i.slack_channel, i.slack_ts) for i in posted)
    keyed = {(i.slack_channel, i.slack_ts) for i in posted if i.message_key}
    assert all(count == 1 for place, count in places.items() if place not in keyed)
    for channel in {i.slack_channel for i in posted}:
        shown = {m.ts for m in world.standin.messages(channel or "")}
        expected = {ts for ch, ts in places if ch == channel}
        assert shown == expected, f"{channel}: extra {shown - expected}, lost {expected - shown}"

    # in order: within one case, new messages in a channel appear in the order they were written
    per_lane: dict[tuple[str, str | None], list[OutboxItem]] = defaultdict(list)
    for item in sorted(posted, key=lambda i: i.id):
        if not item.message_key:
            per_lane[(item.lane, item.slack_channel)].append(item)
    for lane_items in per_lane.values():
        stamps = [float(i.slack_ts or 0) for i in lane_items]
        assert stamps == sorted(stamps)

    # and every case is as the actions left it
    found = cases(world)
    assert len(found) == CASES
    for case in found:
        if case.number in taken:
            assert (case.state, case.coordinator_id) == ("assigned", taken[case.number])
            assert len(events(world, case.number, "note")) == noted[case.number]
        else:
            assert case.state == "pending"
