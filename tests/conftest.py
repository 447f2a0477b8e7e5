"""Shared fixtures: the shipped policy, a sandbox world (stand-in Slack + the real app), a
driver acting as people, and a database for workflow tests."""

from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.clock import Clock
from bot.desk import Desk
from bot.sandbox.driver import Driver
from bot.sandbox.world import World, build_world
from config.policy import Policy, load_policy
from config.settings import SHIPPED_CONFIG, Settings, load_settings
from store.db import Database
from store.migrate import migrate
from tests.alert_http import monitoring  # noqa: F401 (a fixture: alerts posted over HTTP)
from tests.pg_server import own_postgres  # noqa: F401 (a fixture: a PostgreSQL server of its own)
from tests.subscriber_fixtures import (  # noqa: F401 (fixtures: SMTP server, webhook receiver)
    inbox,
    mail_world,
    receiver,
    smtp_server,
)


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(SHIPPED_CONFIG)


TEST_ACK_DEADLINE = 60.0
POSTGRES_ADMIN_URL = os.environ.get("CASEDESK_TEST_POSTGRES", "").strip()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per test process, made by running every migration on the pass's backend;
    each test gets a copy (milliseconds, where the migrations take 0.3 to 0.6 s). The SQLite
    file's path, or the PostgreSQL database's name."""
    if not POSTGRES_ADMIN_URL:
        path = tmp_path_factory.mktemp("template") / "casedesk.db"
        _migrate_once(f"sqlite:///{path}")
        yield str(path)
        return
    with fresh_postgres_database(POSTGRES_ADMIN_URL) as url:
        _migrate_once(url)  # disposed: a template database must have no one connected
        yield str(make_url(url).database)


def _migrate_once(url: str) -> None:
    database = Database(url)
    try:
        migrate(database)
    finally:
        database.dispose()


@pytest.fixture
def database_url(tmp_path: Path, migrated_template: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database when CASEDESK_TEST_POSTGRES names a
    server's admin URL (test.sh runs the suite both ways); either a copy of the migrated
    template, so opening it migrates nothing."""
    if not POSTGRES_ADMIN_URL:
        target = tmp_path / "casedesk.db"
        shutil.copyfile(migrated_template, target)
        yield f"sqlite:///{target}"
        return
    with fresh_postgres_database(POSTGRES_ADMIN_URL, template=migrated_template) as url:
        yield url


@contextmanager
def module_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`database_url` for a module-scoped fixture: a history built once and only read."""
    if not POSTGRES_ADMIN_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('module') / 'casedesk.db'}"
        return
    with fresh_postgres_database(POSTGRES_ADMIN_URL) as url:
        yield url


@contextmanager
def fresh_postgres_database(admin_url: str, *, template: str | None = None) -> Iterator[str]:
    name = f"casedesk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copied = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copied}')
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(db: Database, policy: Policy, clock: Clock) -> Desk:
    return Desk(db=db, policy=policy, clock=clock)


def world_settings(database_url: str, **changes: Any) -> Settings:
    """The shipped settings on a test database. Answers ride on the acknowledgement however
    loaded the test machine is; test_ack_deadline.py tests the deadline with a short one."""
    wanted: dict[str, Any] = {"ack_deadline_seconds": TEST_ACK_DEADLINE, **changes}
    return dataclasses.replace(load_settings({}), database_url=database_url, **wanted)


@pytest.fixture
def world(database_url: str, clock: Clock) -> Iterator[World]:
    built = build_world(world_settings(database_url), clock=clock)
    yield built
    built.close()


@pytest.fixture
def dana(world: World) -> Driver:
    """Dana Reyes, service-desk technician, in #it-help."""
    return Driver(world=world, user="U0DESK01")


def as_user(world: World, name: str) -> Driver:
    driver = Driver(world=world, user="U0DESK01")
    driver.act_as(name)
    return driver
