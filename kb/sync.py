"""Folder <-> database (KB-6): read a folder of Markdown articles into the store, idempotently,
and write the store back out as files.

The folder is the truth for articles that came from files: a changed file updates its row, a
file that disappeared retires its article (history and links stay). Articles made in Slack are
never retired by a sync; once exported and synced they are edited in files like the rest.
Invalid files are skipped and reported with the reason; they never half-apply.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.articles import Article, ArticleError, file_name, parse_markdown, to_markdown
from kb.records import to_article, write
from store.kb_models import KbArticle

SYNC_ACTOR = "sync"


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str


@dataclass(frozen=True)
class Loaded:
    """The valid articles of a folder (with their file names) and the files that were not."""

    articles: dict[str, tuple[Article, str]]
    problems: tuple[Problem, ...]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invalid: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"added {len(self.added)}, updated {len(self.updated)}, retired "
            f"{len(self.retired)}, unchanged {len(self.unchanged)}, invalid {len(self.invalid)}"
        ]
        for label, ids in (("added", self.added), ("updated", self.updated)):
            out += [f"  {label}: {i}" for i in ids]
        out += [f"  retired: {i} (its file is gone)" for i in self.retired]
        out += [f"  invalid: {p.file}: {p.reason}" for p in self.invalid]
        return out


def load_folder(folder: Path, *, services: Collection[str] | None = None) -> Loaded:
    """Every `*.md` file of the folder, in name order; the first file with an id wins."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of articles")
    articles: dict[str, tuple[Article, str]] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            article = parse_markdown(path.read_text(encoding="utf-8"), services=services)
        except (ArticleError, UnicodeDecodeError) as exc:
            reason = str(exc) if isinstance(exc, ArticleError) else "not UTF-8 text"
            problems.append(Problem(path.name, reason))
            continue
        if article.id in articles:
            first = articles[article.id][1]
            problems.append(Problem(path.name, f"duplicate id {article.id} (also in {first})"))
            continue
        articles[article.id] = (article, path.name)
    return Loaded(articles=articles, problems=tuple(problems))


def apply(session: Session, loaded: Loaded, *, now: datetime) -> SyncReport:
    """Bring the store in line with a loaded folder; a second run reports no change."""
    report = SyncReport(invalid=list(loaded.problems))
    rows = {row.id: row for row in session.scalars(select(KbArticle))}
    for article_id, (article, name) in sorted(loaded.articles.items(), key=_by_number):
        row = rows.get(article_id)
        if row is not None and row.checksum == article.checksum() and row.source_file == name:
            report.unchanged.append(article_id)
            continue
        write(session, article, source="file", source_file=name, actor=SYNC_ACTOR, now=now)
        (report.added if row is None else report.updated).append(article_id)
    invalid_files = {p.file for p in loaded.problems}
    for row in sorted(rows.values(), key=lambda r: r.number):
        gone = row.id not in loaded.articles and row.source_file not in invalid_files
        if row.source == "file" and gone and row.status != "retired":
            retired = replace(to_article(row), status="retired")
            write(
                session,
                retired,
                source="file",
                source_file=row.source_file,
                actor=SYNC_ACTOR,
                now=now,
            )
            report.retired.append(row.id)
    return report


def export(session: Session, folder: Path) -> list[str]:
    """Write every article to `folder` as Markdown; returns the file names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for row in session.scalars(select(KbArticle).order_by(KbArticle.number)):
        article = to_article(row)
        name = row.source_file or file_name(article)
        (folder / name).write_text(to_markdown(article), encoding="utf-8")
        written.append(name)
    return written


def _by_number(item: tuple[str, tuple[Article, str]]) -> int:
    return item[1][0].number
