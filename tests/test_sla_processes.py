"""SLA-4 across processes: two bot processes sweeping one database fire every due reminder
exactly once, and Slack receives each message once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import Clock
from bot.command_text import fields_from_command
from bot.sandbox.world import build_world
from store.models import CaseEvent, OutboxItem, Timer
from tests.conftest import world_settings

ROOT = Path(__file__).resolve().parents[1]
CASES = 250  # each has two clocks with a warning and a breach due: 1,000 due reminders


def test_sla_4_two_processes_fire_1000_due_reminders_exactly_once(database_url: str) -> None:
    settings = world_settings(database_url)
    # The cases were recorded two days ago (on the 24x7 network calendar), so by the real clock
    # the processes read, each one's first-response warning and breach are due.
    world = build_world(
        settings,
        clock=Clock(start=datetime.now(UTC) - timedelta(days=2)),
        enforce_rate_limits=False,
    )
    try:
        desk = world.runtime.desk
        for i in range(CASES):
            fields = fields_from_command(
                world.runtime.policy,
                f"VPN tunnel {i} flaps service=vpn urgency=high",
                reporter_id="U0DESK01",
            )
            desk.intake.record(fields, check_duplicates=False)
        with world.runtime.db.transaction() as session:
            session.query(OutboxItem).update({OutboxItem.status: "delivered"})
        now = datetime.now(UTC)
        with world.runtime.db.transaction() as session:
            due = session.execute(
                select(func.count(Timer.id)).where(
                    Timer.due_at <= now,
                    Timer.fired_at.is_(None),
                    Timer.kind.in_(("sla_warning", "sla_breach")),
                )
            ).scalar_one()
        assert due >= 4 * CASES
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-sandbox-token",
            "SLACK_SIGNING_SECRET": "sandbox-signing-secret",
            "SLACK_API_URL": world.server.api_url,
            "DATABASE_URL": database_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        sweeps = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "sweep"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=300)[0] for p in sweeps]
        assert all(p.returncode == 0 for p in sweeps), outputs
        fired = sum(int(out.split("fired ")[1].split()[0]) for out in outputs)
        assert fired == due, outputs
        with world.runtime.db.transaction() as session:
            kinds = dict(
                session.execute(
                    select(CaseEvent.kind, func.count(CaseEvent.id))
                    .where(CaseEvent.kind.in_(("sla_warning", "sla_breach")))
                    .group_by(CaseEvent.kind)
                ).all()
            )
            pending = session.execute(
                select(func.count(OutboxItem.id)).where(OutboxItem.status == "pending")
            ).scalar_one()
        assert kinds["sla_breach"] == kinds["sla_warning"] == due // 2
        world.runtime.dispatcher.drain(wait_up_to=120)
        posts = [
            c
            for c in world.standin.calls
            if c.method == "chat.postMessage" and c.ok and c.args.get("channel") == "C0MGMT"
        ]
        assert len(posts) == due // 2, f"one breach alert per clock ({pending} were pending)"
    finally:
        world.close()
