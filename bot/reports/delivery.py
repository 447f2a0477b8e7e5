"""The dispatcher's file deliveries (QUAL-2): the weekly report and a person's CSV export, built
when the outbox row is delivered (as every message renders at delivery), from a read-only
session, and uploaded with slack_sdk's files_upload_v2."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.figures import WHOLE_DESK, Period, desk_figures
from bot.reports import charts, csv_export, report_text, series
from bot.reports.period import Days
from config.policy import Policy
from store.db import Database

CSV_OPERATION = "csv_export"


def weekly_report(
    db: Database, policy: Policy, client: WebClient, target: str, params: dict[str, Any], *,
    now: datetime,
) -> None:  # fmt: skip
    """Post the report of the week in `params` with its three charts, in one message."""
    days = Days(
        first=date.fromisoformat(params["week_start"]),
        end=date.fromisoformat(params["week_end"]),
        zone=policy.desk_zone,
    )
    report = build(db, policy, days, now=now)
    text = report_text.headline(
        policy, report, due_at=datetime.fromisoformat(params["due_at"]), late=bool(params["late"])
    )
    files = [
        {"content": c.png, "filename": c.filename, "title": c.title, "alt_txt": c.alt_text}
        for c in report.charts
    ]
    _upload(client, target, text, files)


def build(db: Database, policy: Policy, days: Days, *, now: datetime) -> report_text.Report:
    """The week's figures (bot/figures) and cases per day, in one read, and the charts."""
    period = Period(
        key=f"week-{days.first.isoformat()}", label=days.label(), start=days.start, end=days.stop
    )
    with db.reading() as session:
        volume = series.daily_volume(session, policy, days)
        figures = desk_figures(session, period=period, scope=WHOLE_DESK, policy=policy, now=now)
    attained = series.attainment(figures.sla)
    ages = series.open_by_age(policy, figures.open_by_age, now)
    as_of = f"as of {now.astimezone(ZoneInfo(policy.desk_zone)):%-d %b %Y %H:%M}"
    return report_text.Report(
        days=days,
        figures=figures,
        volume=volume,
        attainment=attained,
        open_by_age=ages,
        charts=(
            charts.cases_per_day(volume, days.label()),
            charts.sla_attainment(attained, list(policy.priorities), days.label()),
            charts.open_by_age(ages, as_of),
        ),
    )


def csv_files(
    db: Database, policy: Policy, client: WebClient, user: str, params: dict[str, Any]
) -> None:
    """A person's export: the cases and the timeline of their scope and period, to their DM."""
    built = build_csv(db, policy, csv_export.Selection.from_params(params))
    stem = f"casedesk-{params['slug']}"
    text = (
        f"Your export of *{params['label']}* ({params['scope']}): {_count(built.cases, 'case')} "
        f"and {_count(built.events, 'timeline event')}, one row each. Times are desk time "
        f"({policy.desk_zone}); the files are UTF-8 CSV and open in any spreadsheet."
    )
    files = [
        {"content": built.cases_csv, "filename": f"{stem}-cases.csv",
         "title": f"Cases, {params['label']}"},
        {"content": built.events_csv, "filename": f"{stem}-timeline.csv",
         "title": f"Timeline events, {params['label']}"},
    ]  # fmt: skip
    _upload(client, user, text, files)


@dataclass(frozen=True)
class BuiltCsv:
    cases_csv: bytes
    events_csv: bytes
    cases: int
    events: int


def build_csv(db: Database, policy: Policy, selection: csv_export.Selection) -> BuiltCsv:
    """Both files, UTF-8 with a byte-order mark, from one read-only session."""
    cases, events = io.StringIO(), io.StringIO()
    cases.write(csv_export.BOM)
    events.write(csv_export.BOM)
    with db.reading() as session:
        case_rows = csv_export.write_cases(session, selection, cases, policy.desk_zone)
        event_rows = csv_export.write_events(session, selection, events, policy.desk_zone)
    return BuiltCsv(
        cases_csv=cases.getvalue().encode("utf-8"),
        events_csv=events.getvalue().encode("utf-8"),
        cases=case_rows,
        events=event_rows,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _upload(client: WebClient, target: str, text: str, files: list[dict[str, Any]]) -> None:
    """One message with the files; a public channel the bot is not in is joined first. A user
    id shares to the bot's DM with them (Slack's `channels` takes user ids)."""
    where: dict[str, Any] = (
        {"channels": [target]} if target.startswith(("U", "W")) else {"channel": target}
    )
    try:
        client.files_upload_v2(file_uploads=files, initial_comment=text, **where)
    except SlackApiError as exc:
        if exc.response.get("error") != "not_in_channel":
            raise
        client.conversations_join(channel=target)
        client.files_upload_v2(file_uploads=files, initial_comment=text, **where)
