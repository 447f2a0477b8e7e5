"""Is this Slack user a real, active person? Asked with users.info (a fast Tier 4 call) wherever
someone is named for a role a person must play: the next coordinator of a handoff (ROUTE-3), the
requester of a new case (INTAKE-2, on every intake path)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError

SLACKBOT = "USLACKBOT"  # Slack's own bot: users.info does not mark it is_bot


class NotAPerson(UserFacingError):
    """The named user is unknown to the workspace, a bot or deactivated; the message says which."""


def check_person(client: WebClient, user_id: str, *, choose: str) -> None:
    """Refuse unless `user_id` is an active human member; `choose` ends each refusal with what
    to do instead ("choose someone else", "name the person who needs help")."""
    try:
        info = client.users_info(user=user_id).get("user") or {}
    except SlackApiError as exc:
        if exc.response.get("error") == "user_not_found":
            raise NotAPerson(
                f"The person you named is not a member of this workspace; {choose}."
            ) from None
        raise UserFacingError("Slack could not tell me who that is; try again.") from None
    if info.get("is_bot") or info.get("is_app_user") or user_id == SLACKBOT:
        raise NotAPerson(f"<@{user_id}> is a bot, not a person; {choose}.")
    if info.get("deleted"):
        raise NotAPerson(f"<@{user_id}>'s account is deactivated; {choose}.")
