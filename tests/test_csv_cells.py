"""QUAL-2: the CSV export's cells made in SQL (neutralised text, UTC time text) on SQLite and
PostgreSQL, and desk times from the per-hour cache, equal to zoneinfo's own conversion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Boolean, Text, cast, literal, select

from bot.reports.csv_cells import DeskTimes, neutralised, yes_no
from store.db import Database
from store.models import UtcDateTime
from store.sql_time import utc_text


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


TEXTS = ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "", " =x", "x=", "'=x", "é=",
         "東京", "-", "a\r\nb"]  # fmt: skip


def test_qual_2_csv_cells_neutralise_formula_text_in_sql(db: Database) -> None:
    with db.reading() as session:  # typed parameters: PostgreSQL must know what $1 is
        cells = [
            session.execute(select(neutralised(cast(literal(t), Text())))).scalar() for t in TEXTS
        ]
        empty = session.execute(select(neutralised(cast(literal(None), Text())))).scalar()
        flags = [
            session.execute(select(yes_no(cast(literal(f), Boolean())))).scalar()
            for f in (True, False, None)
        ]
    assert cells == ["'=HYPERLINK(1)", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "", " =x", "x=",
                     "'=x", "é=", "東京", "'-", "a\r\nb"]  # fmt: skip
    assert empty == ""
    assert flags == ["yes", "no", ""]


def test_qual_2_csv_cells_utc_text_cuts_fractions_in_sql(db: Database) -> None:
    moment = datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC)
    with db.reading() as session:
        text = session.execute(select(utc_text(literal(moment, UtcDateTime())))).scalar()
    assert text == "2026-03-29 00:59:59"


@pytest.mark.parametrize(
    "zone",
    ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"],
)
def test_qual_2_desk_times_equal_zoneinfo_around_every_2026_offset_change(zone: str) -> None:
    """Every 7 minutes and 13 seconds through 2026 (past each change of offset, including Lord
    Howe's half-hour one and Kathmandu's +5:45) the cached hours give zoneinfo's answer."""
    tz = ZoneInfo(zone)
    times = DeskTimes(tz)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    wrong = []
    while moment.year == 2026:
        expected = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        got = times(moment.strftime("%Y-%m-%d %H:%M:%S"))
        if got != expected:
            wrong.append((moment, got, expected))
        moment += timedelta(minutes=7, seconds=13)
    assert wrong == []
    assert times(None) == ""
