"""Shared pieces of every message: mentions, dates in the reader's own time zone, labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TypeVar

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy.orm import object_session

from bot.render import kit_checks
from bot.render.message import RenderContext
from bot.text import clip, escape
from bot.vocabulary import CATEGORIES, REQUEST_TYPES, UNKNOWN_LABEL, label
from config.policy import Policy
from store.models import Case

T = TypeVar("T")

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")
SECTION_MAX = 3000
FIELD_MAX = 2000


def user(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "nobody"


def when(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone, with a short UTC fallback."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{plain_when(moment)}>"


def plain_when(moment: datetime) -> str:
    """ "Sun 6 Dec 2026 05:33 UTC": a time where no date token works (plain text, fallbacks)."""
    utc = moment.astimezone(UTC)
    return f"{utc:%a} {utc.day} {utc:%b %Y %H:%M} UTC"


def readable_times(text: str) -> str:
    """Stored values may hold ISO times (`2026-12-06T05:41:54+00:00`); shown, they are dates."""
    return _ISO.sub(lambda m: when(_parsed(m.group(0))), text)


def _parsed(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def safe(text: str, limit: int = SECTION_MAX) -> str:
    """User text, escaped and clipped to fit a Block Kit text field."""
    return clip(escape(text), limit)


def priority_label(policy: Policy, case: Case) -> str:
    return f"{case.priority} {policy.priorities.get(case.priority, '')}".strip()


def service_label(policy: Policy, case: Case) -> str:
    service = policy.services.get(case.service_key)
    if service is not None:
        return service.name
    if case.service_name:
        return f"{case.service_name} (not in the catalog)"
    return UNKNOWN_LABEL


def group_label(policy: Policy, case: Case) -> str:
    group = policy.groups.get(case.group_key or "")
    return group.name if group else "not routed yet"


def type_label(case: Case) -> str:
    return label(REQUEST_TYPES, case.request_type)


def category_label(case: Case) -> str:
    return label(CATEGORIES, case.category)


def section(text: str, *, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)), block_id=block_id)


def fields_section(pairs: list[tuple[str, str]]) -> SectionBlock:
    """Up to ten "*Label*\\nvalue" fields, Slack's two-column layout."""
    return SectionBlock(
        fields=[MarkdownTextObject(text=clip(f"*{k}*\n{v}", FIELD_MAX)) for k, v in pairs[:10]]
    )


def context(*parts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(parts), SECTION_MAX))])


def buttons(block_id: str, *specs: tuple[str, str, str, str | None]) -> ActionsBlock:
    """An actions block from (label, action_id, value, style) tuples."""
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(text=text, action_id=action_id, value=value, style=style)
            for text, action_id, value, style in specs
        ],
    )


def as_dicts(blocks: list[Block]) -> list[dict[str, object]]:
    """Serialise, which also runs slack_sdk's own Block Kit length checks."""
    return [kit_checks.serialise(b) for b in blocks]


def row_of(ctx: RenderContext, model: type[T], param: str) -> T | None:
    """The database row whose id a message's params carry (a problem, an RFC), read in the
    delivering session so the message shows it as it is now."""
    session = object_session(ctx.case)
    wanted = ctx.params.get(param)
    return session.get(model, wanted) if session is not None and wanted else None


def duration(seconds: float) -> str:
    """ "2 h 05 min", "45 min", "3 d 4 h": how people say durations."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"
