"""PERM-1: roles and provider groups may name Slack user groups (`S…` ids) beside user ids. The
policy keeps the ids as configured; this holds each group's members as Slack last reported
them (bot/usergroups.py reads them at start, on a timer and when Slack says they changed).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping

USERGROUP_ID = r"^S[A-Z0-9]{2,}$"
_USERGROUP = re.compile(USERGROUP_ID)


def is_usergroup(entry: str) -> bool:
    return bool(_USERGROUP.match(entry))


class UserGroupMembers:
    """The members of each user group the policy names; thread-safe, replaced group by group."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._members: dict[str, frozenset[str]] = {}

    def replace(self, group_id: str, users: Iterable[str]) -> None:
        with self._lock:
            self._members[group_id] = frozenset(users)

    def members(self, group_id: str) -> frozenset[str]:
        """The group's members; none before Slack has been asked (nobody is let in by default)."""
        with self._lock:
            return self._members.get(group_id, frozenset())

    def snapshot(self) -> Mapping[str, frozenset[str]]:
        with self._lock:
            return dict(self._members)

    def expand(self, entries: Iterable[str]) -> frozenset[str]:
        """User ids as they are, each user group replaced by its members."""
        users: set[str] = set()
        for entry in entries:
            if is_usergroup(entry):
                users.update(self.members(entry))
            else:
                users.add(entry)
        return frozenset(users)
