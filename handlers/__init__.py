"""Slack listeners. Thin: parse the payload, call the desk, answer Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.desk import Desk
from bot.errors import CaseNotFound
from handlers import (
    actions,
    changes,
    closure,
    commands,
    consult,
    dm_question,
    estimates,
    events,
    fallback,
    handoff,
    problems,
    reassign,
    requests,
    shortcuts,
    timeline,
    usergroups,
    views,
)
from handlers import kb as kb_handlers
from kb.service import KnowledgeBase


def register(app: App, desk: Desk, knowledge: KnowledgeBase) -> None:
    def requester_of(number: int) -> str | None:
        try:
            return desk.summary(number).requester_id
        except CaseNotFound:
            return None

    kb_handlers.register(
        app,
        knowledge,
        desk.policy,
        requester_of=requester_of,
        send_link=desk.intake.send_article_link,
    )
    commands.register(app, desk)
    actions.register(app, desk)
    views.register(app, desk)
    shortcuts.register(app, desk)
    events.register(app, desk)
    estimates.register(app, desk)
    handoff.register(app, desk)
    consult.register(app, desk)
    reassign.register(app, desk)
    timeline.register(app, desk)
    dm_question.register(app, desk)
    closure.register(app, desk)
    changes.register(app, desk)
    problems.register(app, desk)
    requests.register(app, desk)
    usergroups.register(app, desk.policy)
    fallback.register(app)  # last: only what no other listener took
