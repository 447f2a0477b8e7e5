"""PERM-1: the members of the Slack user groups that roles and provider groups name, read with
`usergroups.users.list` (scope `usergroups:read`) at start, every `usergroup_refresh_seconds`,
and when Slack sends `subteam_members_changed` for one of them.

At start a group Slack does not know, a missing scope or a plan without user groups stops the
bot with the place in the policy and the fix. Later a failed read keeps the members last read
(a Slack outage must not lock the desk out) and is logged.
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from config.policy import Policy

log = logging.getLogger(__name__)

FIXES = {
    "no_such_subteam": "Slack has no user group with that id. Copy the id (S…) from the group's "
    "page in Slack, or list user ids instead",
    "missing_scope": "the app lacks the usergroups:read scope: add it (manifest.yml) and "
    "reinstall the app",
    "plan_upgrade_required": "this workspace's Slack plan has no user groups: list user ids "
    "instead",
    "ratelimited": "Slack asked the app to slow down: start it again in a minute",
}


class UserGroupError(RuntimeError):
    """A user group the policy names could not be read; the message says where and why."""


def read(client: WebClient, policy: Policy, group_id: str) -> frozenset[str]:
    """Ask Slack for one group's members and keep them in the policy's membership."""
    found = client.usergroups_users_list(usergroup=group_id)
    members = frozenset(str(u) for u in found.get("users") or [])
    policy.usergroups.replace(group_id, members)
    return members


def read_all(client: WebClient, policy: Policy) -> int:
    """Start-up: read every group the policy names; the first failure names its place."""
    places = policy.usergroup_places()
    for group_id, where in places.items():
        try:
            read(client, policy, group_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            fix = FIXES.get(error, "check the id and the app's scopes")
            raise UserGroupError(
                f"{', '.join(where)}: user group {group_id} could not be read "
                f"(usergroups.users.list: {error}): {fix}."
            ) from None
    return len(places)


def refresh(client: WebClient, policy: Policy, group_id: str | None = None) -> None:
    """Read one group again (or all): on failure keep what was read before, and log it."""
    targets = [group_id] if group_id is not None else list(policy.usergroup_places())
    for target in targets:
        if target not in policy.usergroup_places():
            continue  # a group the desk does not use
        try:
            read(client, policy, target)
        except (SlackApiError, OSError) as exc:
            log.warning("user group %s not refreshed; keeping its last members: %s", target, exc)


class Refresher:
    """Reads every user group again on a timer, in a daemon thread of this process."""

    def __init__(self, client: WebClient, policy: Policy, *, every: float) -> None:
        self._client, self._policy, self._every = client, policy, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or not self._policy.usergroup_places():
            return
        self._thread = threading.Thread(target=self._run, name="usergroups", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            refresh(self._client, self._policy)
