"""The public page of a user-ready article (`GET /kb/KB-12` in HTTP mode), where "send to
requester" links point. Restricted, draft and retired articles are not served (KB-5). The page
lists the cases the article resolved (KB-4) by number and date only: anyone may read it, and a
case's words and people are for its requester and the desk (PERM-2)."""

from __future__ import annotations

import html
import re

from kb.service import KbError, KnowledgeBase

_ID = re.compile(r"^KB-\d{1,7}$", re.IGNORECASE)


def article_page(kb: KnowledgeBase, article_id: str, *, desk_name: str) -> tuple[int, str]:
    """(HTTP status, HTML) for one article."""
    if not _ID.match(article_id):
        return 404, _page("Not found", "<p>There is no such article.</p>", desk_name)
    try:
        article = kb.get(article_id, for_requester=True)
    except KbError:
        return 404, _page(
            "Not available",
            "<p>This article does not exist or is for the "
            "desk's staff only; ask the desk about your case.</p>",
            desk_name,
        )
    if article.status != "published":
        return 404, _page("Not available", "<p>This article is not published.</p>", desk_name)
    resolved = _resolved(kb, article.id)
    return 200, _page(article.title, _markdown(article.body) + resolved, desk_name)


def _resolved(kb: KnowledgeBase, article_id: str) -> str:
    cases = kb.resolved_cases(article_id)
    if not cases:
        return "<h2>Cases it resolved</h2><p>None recorded yet.</p>"
    items = "".join(
        f"<li>CASE-{c.number}"
        + (f", closed {c.closed_at:%Y-%m-%d}" if c.closed_at is not None else "")
        + "</li>"
        for c in cases
    )
    return f"<h2>Cases it resolved ({len(cases)})</h2><ul>{items}</ul>"


def _markdown(text: str) -> str:
    """Just enough Markdown for desk articles: headings, lists, paragraphs; all escaped."""
    out: list[str] = []
    in_list = False
    for line in text.splitlines():
        stripped = line.strip()
        item = re.match(r"^([-*]|\d+\.)\s+(.*)$", stripped)
        if item and not in_list:
            out.append("<ul>")
            in_list = True
        if not item and in_list:
            out.append("</ul>")
            in_list = False
        if item:
            out.append(f"<li>{_inline(item.group(2))}</li>")
        elif stripped.startswith("#"):
            level = min(len(stripped) - len(stripped.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{_inline(stripped.lstrip('#').strip())}</h{level}>")
        elif stripped:
            out.append(f"<p>{_inline(stripped)}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def _inline(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)


def _page(title: str, body: str, desk_name: str) -> str:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(title)} · {html.escape(desk_name)}</title>"
        "<body style='font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5'>"
        f"<p><small>{html.escape(desk_name)} · knowledge base</small></p>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
