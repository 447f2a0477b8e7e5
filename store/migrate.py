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


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def current_revisions(connection: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def migrate(db: Database) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Upgrade to the newest revision; returns (revisions before, revisions after)."""
    cfg = alembic_config()
    with db.engine.connect() as connection:
        before = current_revisions(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
        connection.commit()
        after = current_revisions(connection)
    return before, after
