"""Articles as Markdown files with YAML front matter (KB-1, KB-6): read, check, write.

A file is reviewable in git and readable without the bot. The same `Article` value comes from a
file, from a Slack form, or from the database, and `to_markdown` writes it back, so an article
made in Slack can be exported into the folder and synced again without change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import yaml

KINDS = ("article", "known_error")
AUDIENCES = ("user_ready", "restricted")
STATUSES = ("draft", "published", "retired")
# The process's request types and categories (PROCESS.md CLASSIFY-1, as in bot/vocabulary.py).
REQUEST_TYPES = ("information", "fulfillment", "new_service", "incident")
CATEGORIES = ("hardware", "software", "network", "security", "other")
ID_PATTERN = re.compile(r"^KB-([1-9][0-9]{0,6})$")
TITLE_MAX = 200
BODY_MAX = 40_000
LIST_FIELDS = ("symptoms", "keywords", "request_types", "categories", "services")
KNOWN_KEYS = frozenset(
    ["id", "title", "kind", "audience", "status", "owner", "review", *LIST_FIELDS]
)


class ArticleError(ValueError):
    """The article's text or metadata is not acceptable; the message says what to fix."""


@dataclass(frozen=True)
class Article:
    """One article or known error, as a desk writes it."""

    id: str
    title: str
    body: str
    kind: str = "article"
    symptoms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    request_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    audience: str = "user_ready"
    status: str = "published"
    owner: str = ""
    review_on: date | None = None

    @property
    def number(self) -> int:
        return article_number(self.id)

    @property
    def user_ready(self) -> bool:
        return self.audience == "user_ready"

    def checksum(self) -> str:
        """Changes exactly when the Markdown text of the article changes."""
        return hashlib.sha256(to_markdown(self).encode("utf-8")).hexdigest()


def article_number(article_id: str) -> int:
    found = ID_PATTERN.match(article_id.strip().upper())
    if not found:
        raise ArticleError(f"`{article_id}` is not an article id; ids look like KB-12.")
    return int(found.group(1))


def parse_markdown(text: str, *, services: Collection[str] | None = None) -> Article:
    """An article from a file's text; ArticleError names the first problem found."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleError("bad front matter: the file must start with a line `---`")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ArticleError("bad front matter: no closing `---` line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise ArticleError(f"bad front matter: not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise ArticleError("bad front matter: expected `key: value` lines")
    body = "\n".join(lines[end + 1 :]).strip("\n")
    return from_fields(meta, body, services=services)


def from_fields(
    meta: Mapping[str, Any], body: str, *, services: Collection[str] | None = None
) -> Article:
    """Check front-matter fields (from a file or a form) and build the article."""
    unknown = sorted(str(k) for k in meta if k not in KNOWN_KEYS)
    if unknown:
        raise ArticleError(
            f"bad front matter: unknown key {', '.join(unknown)}; "
            f"known keys: {', '.join(sorted(KNOWN_KEYS))}"
        )
    raw_id = meta.get("id")
    if raw_id is None or not str(raw_id).strip():
        raise ArticleError("missing id (like KB-12)")
    article_id = str(raw_id).strip().upper()
    article_number(article_id)
    title = _text(meta.get("title"))
    if not title:
        raise ArticleError("missing title")
    if len(title) > TITLE_MAX:
        raise ArticleError(f"title is {len(title)} characters; at most {TITLE_MAX}")
    if len(body) > BODY_MAX:
        raise ArticleError(f"body is {len(body)} characters; at most {BODY_MAX}")
    lists = {name: _strings(meta.get(name), name) for name in LIST_FIELDS}
    _check_all(lists["request_types"], REQUEST_TYPES, "request_types")
    _check_all(lists["categories"], CATEGORIES, "categories")
    if services is not None:
        _check_all(lists["services"], tuple(services), "services")
    review = meta.get("review")
    if review is not None and not isinstance(review, date):
        try:
            review = date.fromisoformat(str(review).strip())
        except ValueError:
            raise ArticleError(f"review `{review}` is not a date like 2026-06-30") from None
    return Article(
        id=article_id,
        title=title,
        body=body.strip("\n"),
        kind=_one_of(meta.get("kind", "article"), KINDS, "kind"),
        audience=_one_of(meta.get("audience", "user_ready"), AUDIENCES, "audience"),
        status=_one_of(meta.get("status", "published"), STATUSES, "status"),
        owner=_text(meta.get("owner")),
        review_on=review,
        symptoms=lists["symptoms"],
        keywords=lists["keywords"],
        request_types=lists["request_types"],
        categories=lists["categories"],
        services=lists["services"],
    )


def to_markdown(article: Article) -> str:
    """The file text: front matter in a fixed key order, then the body."""
    meta: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "kind": article.kind,
        "audience": article.audience,
        "status": article.status,
        "owner": article.owner,
        "review": article.review_on.isoformat() if article.review_on else None,
    }
    data = asdict(article)
    for name in LIST_FIELDS:
        meta[name] = list(data[name])
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n\n{article.body.strip()}\n"


def file_name(article: Article) -> str:
    """`KB-12-vpn-will-not-connect.md`: the id first, so a listing sorts by number."""
    slug = re.sub(r"[^a-z0-9]+", "-", article.title.lower()).strip("-")[:60].rstrip("-")
    return f"{article.id}-{slug}.md" if slug else f"{article.id}.md"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ArticleError(f"{name} must be a list of words or phrases")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _one_of(value: Any, allowed: tuple[str, ...], name: str) -> str:
    text = _text(value).lower()
    if text not in allowed:
        raise ArticleError(f"{name} `{value}` is not one of {', '.join(allowed)}")
    return text


def _check_all(values: tuple[str, ...], allowed: tuple[str, ...], name: str) -> None:
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ArticleError(
            f"{name}: {', '.join(wrong)} not known; allowed: {', '.join(sorted(allowed))}"
        )
