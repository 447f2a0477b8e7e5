"""Events: the App Home shows the person's cases, queues and clocks at risk."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.desk import Desk


def register(app: App, desk: Desk) -> None:
    @app.event("app_home_opened")
    def home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            desk.contact.open_home(str(event["user"]))
