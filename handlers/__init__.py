"""Slack listeners. Thin: parse the payload, call the desk, answer Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.desk import Desk
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
    lists,
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
    kb_handlers.register(app, desk, knowledge)
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
    lists.register(app, desk)
    usergroups.register(app, desk.policy)
    fallback.register(app)  # last: only what no other listener took
