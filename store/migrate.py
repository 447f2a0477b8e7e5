"""Bring a database's schema to the newest Alembic revision (`python -m bot migrate`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(db: Database) -> tuple[str | None, str | None]:
    """Upgrade to head; returns (revision before, revision after)."""
    cfg = alembic_config()
    with db.engine.connect() as connection:
        before = current_revision(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
        connection.commit()
        after = current_revision(connection)
    return before, after
