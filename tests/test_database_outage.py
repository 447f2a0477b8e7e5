"""Issue 7, the database: PostgreSQL stopped in the middle of a run. Requests during the outage get
"try again in a moment" (never a trace), nothing is half-written, and once the server is back the
same requests work and the outbox delivers what was waiting. Runs where PostgreSQL's server
programs are installed (CI installs them); it starts a server of its own."""

from __future__ import annotations

import dataclasses
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.settings import load_settings
from tests.helpers import case_count, last_ephemeral, outbox

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(
    not BINARIES, reason="PostgreSQL's server programs are not installed"
)


@dataclass
class Server:
    url: str
    data: Path
    options: str

    def start(self) -> None:
        self.ctl("-l", str(self.data / "server.log"), "-o", self.options, "start")

    def ctl(self, *args: str) -> None:
        command = [f"{BINARIES[-1]}/pg_ctl", "-D", str(self.data), "-w", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)


@pytest.fixture
def postgres() -> Iterator[Server]:
    tmp_path = Path(tempfile.mkdtemp(prefix="casedesk-outage-"))  # the postgres user reaches it
    data = tmp_path / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp_path, "postgres")
        shutil.chown(data, "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*prefix, f"{BINARIES[-1]}/initdb", "-D", str(data), "--auth=trust", "-U", "postgres"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        data=data,
        options=f"-p {port} -k {tmp_path} -c listen_addresses=127.0.0.1 -c fsync=off",
    )
    server.start()
    try:
        yield server
    finally:
        subprocess.run(
            [*prefix, f"{BINARIES[-1]}/pg_ctl", "-D", str(data), "stop", "-m", "immediate"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_postgresql_restart_mid_run_loses_nothing_and_says_try_again(
    postgres: Server,
) -> None:
    settings = dataclasses.replace(load_settings({}), database_url=postgres.url)
    world: World = build_world(settings, clock=Clock())
    try:
        dana = Driver(world=world, user="U0DESK01")
        dana.command("/case new Printer jams on floor 2 service=printers urgency=low for=@alex")
        assert case_count(world) == 1
        sent = len(outbox(world))

        postgres.ctl("stop", "-m", "fast")
        down = Driver(world=world, user="U0DESK01", settle_after=False)
        answer = down.command("/case new Scanner offline service=printers urgency=low for=@jordan")
        assert answer is not None and "try again in a moment" in str(answer["text"])
        assert "Traceback" not in str(answer)
        ravi = Driver(world=world, user="U0EUC01", settle_after=False)
        take = ravi.find_button("Take it", channel="C0EUCQ")
        ravi.click(take)
        assert "try again in a moment" in last_ephemeral(world, "U0EUC01")

        postgres.start()
        assert case_count(world) == 1, "nothing was half-written during the outage"
        assert len(outbox(world)) == sent
        dana.command("/case new Scanner offline service=printers urgency=low for=@jordan")
        ravi_up = Driver(world=world, user="U0EUC01")
        ravi_up.click(take)
        world.runtime.dispatcher.drain()
        assert case_count(world) == 2
        assert {i.status for i in outbox(world)} == {"delivered"}, "the outbox resumed"
        assert "You took CASE-1001" in last_ephemeral(world, "U0EUC01")
    finally:
        world.close()
