"""PERM-1: Slack says a user group's members changed; read that group again at once (this
process; others catch up at their next timed refresh)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import usergroups
from config.policy import Policy


def register(app: App, policy: Policy) -> None:
    @app.event("subteam_members_changed")
    def members_changed(event: dict[str, Any], client: WebClient) -> None:
        group_id = str(event.get("subteam_id") or "")
        if group_id:
            usergroups.refresh(client, policy, group_id)
