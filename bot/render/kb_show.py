"""`/kb show KB-12` (KB-3, KB-4): an article's metadata, its usage figures and the cases it
resolved, for the desk. A requester gets the article to read and nothing about other cases
(PERM-2)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.render.common import as_dicts, context, fields_section, safe, section, user, when
from bot.render.kb_cards import AUDIENCE_LABELS, KIND_LABELS, STATUS_LABELS
from bot.vocabulary import STATES
from kb.articles import Article
from kb.usage import ResolvedCase, Usage

CASES_SHOWN = 20


def article_details(
    article: Article, url: str, usage: Usage, resolved: list[ResolvedCase]
) -> dict[str, Any]:
    """The staff view: what the article is, how it has been used, what it resolved."""
    meta = [
        KIND_LABELS.get(article.kind, article.kind),
        AUDIENCE_LABELS.get(article.audience, article.audience),
        STATUS_LABELS.get(article.status, article.status),
    ]
    pairs = [
        ("Services", ", ".join(article.services) or "any"),
        ("Owner", safe(article.owner, 100) or "nobody named"),
        ("Review by", article.review_on.isoformat() if article.review_on else "no date set"),
        ("Request types", ", ".join(article.request_types) or "any"),
    ]
    figures = (
        f"*Usage:* shown {usage.shown} · opened {usage.opened} · fixed it {usage.fixed} · "
        f"did not help {usage.not_helped} · made it worse {usage.made_worse} · sent to "
        f"requesters {usage.sent} (each person's latest answer per case)"
    )
    blocks: list[Block] = [
        section(f"*<{url}|{article.id}>* {safe(article.title, 200)}"),
        context(*meta),
        fields_section(pairs),
        section(figures),
        section(_resolved_text(resolved)),
        context(f"`/kb edit {article.id}` changes it; the full text is on its page."),
    ]
    return {"text": f"{article.id} {article.title}", "blocks": as_dicts(blocks)}


def _resolved_text(resolved: list[ResolvedCase]) -> str:
    if not resolved:
        return "*Cases it resolved:* none yet."
    lines = [_case_line(c) for c in resolved[:CASES_SHOWN]]
    more = len(resolved) - CASES_SHOWN
    if more > 0:
        lines.append(f"…and {more} more")
    return f"*Cases it resolved ({len(resolved)}):*\n" + "\n".join(lines)


def _case_line(case: ResolvedCase) -> str:
    state = STATES.get(case.state, case.state)
    if case.closed_at is not None:
        state = f"{state} {when(case.closed_at)}"
    how = []
    if case.applied_at_close:
        how.append("applied at its close")
    if case.fixed_by:
        how.append("fixed it for " + ", ".join(user(u) for u in case.fixed_by))
    return f"• *CASE-{case.number}* {safe(case.summary, 120)} · {state} · {'; '.join(how)}"
