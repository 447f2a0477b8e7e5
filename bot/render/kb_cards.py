"""Knowledge-base messages and the article form: suggestions with their buttons (WORK-2),
search results, one article to read, the usage report (KB-3).

Button values are "KB-12:1001" (article and case number; nothing after the colon outside a
case), so a press names everything the handler needs without a lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.common import as_dicts, buttons, context, safe, section
from bot.render.message import Message, RenderContext
from bot.text import clip
from bot.views.inputs import metadata, option, select, text_input
from kb.articles import AUDIENCES, CATEGORIES, KINDS, REQUEST_TYPES, STATUSES, Article
from kb.service import Suggestion
from kb.usage import Report, ReportLine

ACTION_FIXED = "kb_fixed"
ACTION_NOT_HELPED = "kb_not_helped"
ACTION_WORSE = "kb_worse"
ACTION_OPEN = "kb_open"
ACTION_SEND = "kb_send"
FORM_CALLBACK = "kb_article"
SUGGESTIONS_MAX = 3
BODY_INPUT_MAX = 3000
KIND_LABELS = {"article": "Article", "known_error": "Known error"}
AUDIENCE_LABELS = {"user_ready": "User-ready", "restricted": "Restricted (staff only)"}
SNIPPET_MAX = 220
_MARKUP = re.compile(r"\*\*|__|`|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
STATUS_LABELS = {"draft": "Draft", "published": "Published", "retired": "Retired"}


def button_value(article_id: str, case_number: int | None) -> str:
    return f"{article_id}:{case_number if case_number is not None else ''}"


def parse_button_value(value: str) -> tuple[str, int | None]:
    """("KB-12", 1001) from "KB-12:1001"; ValueError when it is not that shape."""
    article_id, sep, case = value.partition(":")
    if not sep or not article_id.upper().startswith("KB-"):
        raise ValueError(value)
    if case and not case.isdigit():
        raise ValueError(value)
    return article_id.upper(), int(case) if case else None


def _headline(s: Suggestion) -> str:
    kind = " · known error" if s.kind == "known_error" else ""
    draft = " · draft" if s.status == "draft" else ""
    restricted = "" if s.user_ready else " · :lock: restricted"
    link = f"*<{s.url}|{s.article_id}>* {safe(s.title, 200)}"
    return f"{link} · score {s.score:.0f}/100{kind}{draft}{restricted}"


def _snippet(s: Suggestion) -> list[Block]:
    """The article's passage that matched, as a quote under its headline (Markdown emphasis
    and code marks dropped, clipped at a word)."""
    text = " ".join(_MARKUP.sub("", s.snippet).split())
    if not text:
        return []
    if len(text) > SNIPPET_MAX:
        text = text[:SNIPPET_MAX].rsplit(" ", 1)[0] + " …"
    return [context(f"“{safe(text, SNIPPET_MAX + 40)}”")]


def suggestion_blocks(suggestions: Sequence[Suggestion], *, case_number: int) -> list[Block]:
    """WORK-2: at most three suggestions for a case, each with its score and the buttons."""
    ref = f"CASE-{case_number}"
    blocks: list[Block] = [section(f"*Knowledge base first* · articles that may solve {ref}")]
    for s in list(suggestions)[:SUGGESTIONS_MAX]:
        value = button_value(s.article_id, case_number)
        specs: list[tuple[str, str, str, str | None]] = [
            ("Fixed it", ACTION_FIXED, value, "primary"),
            ("Did not help", ACTION_NOT_HELPED, value, None),
            ("Made it worse", ACTION_WORSE, value, "danger"),
            ("Open", ACTION_OPEN, value, None),
        ]
        if s.user_ready:
            specs.append(("Send to requester", ACTION_SEND, value, None))
        blocks += [section(_headline(s)), *_snippet(s), buttons(f"kb_{s.article_id}", *specs)]
    return blocks


def suggestion_message(suggestions: Sequence[Suggestion], *, case_number: int) -> dict[str, Any]:
    top = ", ".join(s.article_id for s in list(suggestions)[:SUGGESTIONS_MAX])
    return {
        "text": f"Knowledge base suggestions for CASE-{case_number}: {top}",
        "blocks": as_dicts(suggestion_blocks(suggestions, case_number=case_number)),
    }


def search_message(query: str, found: Sequence[Suggestion], *, cut: bool) -> dict[str, Any]:
    """The ephemeral answer to `/kb search`."""
    shown = safe(clip(query, 80))
    note = " (only the first 2,000 characters were searched)" if cut else ""
    if not found:
        text = (
            f"No article matches “{shown}” well enough{note}. Try other words, or ask the "
            "desk with `/case`."
        )
        return {"text": text, "blocks": as_dicts([section(text)])}
    blocks: list[Block] = [section(f"Articles for “{shown}”{note}:")]
    for s in found:
        blocks += [
            section(_headline(s)),
            *_snippet(s),
            buttons(
                f"kb_{s.article_id}", ("Open", ACTION_OPEN, button_value(s.article_id, None), None)
            ),
        ]
    return {"text": f"{len(found)} articles for {shown}", "blocks": as_dicts(blocks)}


def article_message(article: Article, url: str) -> dict[str, Any]:
    """One article to read, only to the person who asked."""
    meta = [
        KIND_LABELS.get(article.kind, article.kind),
        AUDIENCE_LABELS.get(article.audience, article.audience),
        STATUS_LABELS.get(article.status, article.status),
    ]
    if article.owner:
        meta.append(f"owner {safe(article.owner, 100)}")
    blocks: list[Block] = [
        section(f"*<{url}|{article.id}>* {safe(article.title, 200)}"),
        context(*meta),
    ]
    body = safe(article.body, 12_000)
    for start in range(0, len(body), 2900):
        blocks.append(section(body[start : start + 2900]))
    return {"text": f"{article.id} {article.title}", "blocks": as_dicts(blocks)}


def report_message(report: Report) -> dict[str, Any]:
    """`/kb report` (KB-3): what to retire, what to improve, what to offer as self-help."""

    def lines(title: str, items: tuple[ReportLine, ...], empty: str) -> str:
        if not items:
            return f"*{title}*\n{empty}"
        shown = [f"• {i.article_id} {safe(i.title, 80)}: {safe(i.why, 120)}" for i in items[:15]]
        more = f"\n…and {len(items) - 15} more" if len(items) > 15 else ""
        return f"*{title}*\n" + "\n".join(shown) + more

    used = report.usage.values()
    totals = (
        f"Shown {sum(u.shown for u in used)} · opened {sum(u.opened for u in used)} · fixed "
        f"{sum(u.fixed for u in used)} · did not help {sum(u.not_helped for u in used)} · made "
        f"worse {sum(u.made_worse for u in used)} · sent {sum(u.sent for u in used)}"
    )
    blocks: list[Block] = [
        section("*Knowledge base report*"),
        context(totals),
        section(lines("Retire or fix now", report.retire, "Nothing made things worse.")),
        section(lines("Improve", report.improve, "Nothing to improve yet.")),
        section(lines("Self-help candidates", report.self_help, "None yet.")),
    ]
    return {"text": "Knowledge base report", "blocks": as_dicts(blocks)}


def article_form(
    article: Article | None,
    services: Sequence[str],
    *,
    draft: Mapping[str, str] | None = None,
    case_number: int | None = None,
) -> View:
    """The `/kb new` and `/kb edit` modal; one input per front-matter field. A `draft` fills a
    new article (CLOSE-5: written from a case's resolution, which `case_number` names)."""
    a = article
    d = draft or {}
    title = f"Edit {a.id}" if a else "New article"
    blocks: list[Block] = [
        text_input(
            "title",
            "Title",
            initial=a.title if a else d.get("title", ""),
            optional=False,
            max_length=200,
        ),
        select(
            "kind",
            "Kind",
            [option(k, KIND_LABELS[k]) for k in KINDS],
            initial=a.kind if a else "article",
        ),
        select(
            "audience",
            "Audience",
            [option(k, AUDIENCE_LABELS[k]) for k in AUDIENCES],
            initial=a.audience if a else "user_ready",
        ),
        select(
            "status",
            "Status",
            [option(k, STATUS_LABELS[k]) for k in STATUSES],
            initial=a.status if a else "draft",
        ),
        text_input(
            "symptoms",
            "Symptoms (one a line)",
            initial="\n".join(a.symptoms) if a else d.get("symptoms", ""),
            multiline=True,
            max_length=2000,
        ),
        text_input(
            "keywords",
            "Keywords (comma-separated)",
            initial=", ".join(a.keywords) if a else d.get("keywords", ""),
        ),
        text_input(
            "request_types",
            "Request types",
            initial=", ".join(a.request_types) if a else d.get("request_types", ""),
            hint=", ".join(REQUEST_TYPES),
        ),
        text_input(
            "categories",
            "Categories",
            initial=", ".join(a.categories) if a else d.get("categories", ""),
            hint=", ".join(CATEGORIES),
        ),
        text_input(
            "services",
            "Services",
            initial=", ".join(a.services) if a else d.get("services", ""),
            hint=clip(", ".join(services), 150),
        ),
        text_input("owner", "Owner", initial=a.owner if a else ""),
        text_input(
            "review",
            "Review by (YYYY-MM-DD)",
            initial=a.review_on.isoformat() if a and a.review_on else "",
            max_length=10,
        ),
        text_input(
            "body",
            "Body (Markdown: steps, when to escalate)",
            initial=a.body if a else d.get("body", ""),
            multiline=True,
            optional=False,
            max_length=BODY_INPUT_MAX,
        ),
    ]
    return View(
        type="modal",
        callback_id=FORM_CALLBACK,
        title=title,
        submit="Save",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata(article=a.id if a else None, case=case_number),
    )


def suggestions_for_case(ctx: RenderContext) -> Message:
    """The outbox template of WORK-2's suggestion card (suggestions travel in the params)."""
    found = [Suggestion(**item) for item in ctx.params.get("suggestions", [])]
    message = suggestion_message(found, case_number=ctx.case.number)
    return Message(text=message["text"], blocks=message["blocks"])
