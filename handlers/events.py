"""Events: the App Home shows the person's cases, queues and clocks at risk."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.desk import Desk
from bot.render.home import home_view


def register(app: App, desk: Desk) -> None:
    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        view = home_view(desk.policy, desk.home(user), user)
        client.views_publish(user_id=user, view=view)
