"""auth.test, users.* and usergroups.*: who is in the workspace, in Slack's shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.standin_conversations import page
from bot.sandbox.standin_shapes import user_json, usergroup_json
from bot.sandbox.standin_state import ApiError
from bot.sandbox.standin_workspace import Args, Workspace


def auth_test(ws: Workspace, args: Args) -> dict[str, Any]:
    return {
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.users[ws.bot_user_id].name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: Args) -> dict[str, Any]:
    user = ws.users.get(args.text("user"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_json(ws, user, now=ws.clock())}


def users_get_presence(ws: Workspace, args: Args) -> dict[str, Any]:
    """Whether the person is at Slack now ("active") or not ("away")."""
    user = ws.users.get(args.text("user"))
    if user is None:
        raise ApiError("user_not_found")
    active = user.presence == "active"
    return {
        "presence": user.presence,
        "online": active,
        "auto_away": False,
        "manual_away": not active,
        "connection_count": 1 if active else 0,
    }


def users_list(ws: Workspace, args: Args) -> dict[str, Any]:
    items, cursor = page(list(ws.users.values()), args, limit_error="invalid_arguments")
    now = ws.clock()
    return {
        "members": [user_json(ws, user, now=now) for user in items],
        "cache_ts": int(now),
        "response_metadata": {"next_cursor": cursor},
    }


def users_lookup_by_email(ws: Workspace, args: Args) -> dict[str, Any]:
    email = args.text("email").lower()
    for user in ws.users.values():
        if user.email is not None and user.email.lower() == email and not user.deleted:
            return {"user": user_json(ws, user, now=ws.clock())}
    raise ApiError("users_not_found")


def _require_usergroups(ws: Workspace) -> None:
    if not ws.plan_has_usergroups:
        raise ApiError("plan_upgrade_required")


def usergroups_list(ws: Workspace, args: Args) -> dict[str, Any]:
    _require_usergroups(ws)
    with_users = args.flag("include_users")
    groups = [usergroup_json(ws, g, with_users=with_users) for g in ws.usergroups.values()]
    return {"usergroups": groups}


def usergroups_users_list(ws: Workspace, args: Args) -> dict[str, Any]:
    """A group's member ids; an unknown id is no_such_subteam, a plan without user groups is
    plan_upgrade_required (Slack's documented errors)."""
    _require_usergroups(ws)
    group = ws.usergroups.get(args.text("usergroup"))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group.users)}


METHODS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.getPresence": users_get_presence,
    "users.list": users_list,
    "users.lookupByEmail": users_lookup_by_email,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
}
