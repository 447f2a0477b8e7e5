"""Slack listeners. Thin: parse the payload, call the desk, answer Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.desk import Desk
from handlers import actions, commands, events, shortcuts, views


def register(app: App, desk: Desk) -> None:
    commands.register(app, desk)
    actions.register(app, desk)
    views.register(app, desk)
    shortcuts.register(app, desk)
    events.register(app, desk)
