"""A PostgreSQL server of a test's own (Debian's server programs), for tests that stop it or
need several processes on it; the shared test server must not be disturbed."""

from __future__ import annotations

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

from tests.real_programs import REQUIRED

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
# Skipped only off CI: with CASEDESK_REQUIRE_REAL=1 (.ci/run) a missing server fails the test.
NEEDED = pytest.mark.skipif(
    not BINARIES and not REQUIRED, reason="PostgreSQL's server programs are not installed"
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
def own_postgres() -> Iterator[Server]:
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
        options=f"-p {port} -k {tmp_path} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c max_connections=300",
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
