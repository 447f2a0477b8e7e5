"""Whose figures a person may read (QUAL-2 with PERM-1): managers every group; a group's
supervisor and members (its on-call too) their own groups; the desk and command-center roles
their own group; requesters none."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NotAllowed
from config.policy import Policy


@dataclass(frozen=True, kw_only=True)
class Scope:
    """The provider groups whose cases count; `groups=None` is the whole desk."""

    groups: tuple[str, ...] | None

    @property
    def everything(self) -> bool:
        return self.groups is None

    def covers(self, group_key: str) -> bool:
        return self.groups is None or group_key in self.groups

    def label(self, policy: Policy) -> str:
        if self.groups is None:
            return "every group"
        return ", ".join(policy.groups[g].name for g in self.groups)


WHOLE_DESK = Scope(groups=None)


def scope_for(policy: Policy, user: str) -> Scope:
    """The widest scope the person holds; NotAllowed (naming who may) for anyone else."""
    if policy.has_role(user, "managers"):
        return WHOLE_DESK
    own = [
        key
        for key, group in policy.groups.items()
        if user in policy.members_of(group) or user in (group.supervisor, group.on_call)
    ]
    if policy.has_role(user, "service_desk"):
        own.append(policy.service_desk_group)
    if policy.has_role(user, "command_center"):
        own.append(policy.command_center_group)
    if own:
        return Scope(groups=tuple(sorted(set(own))))
    managers = ", ".join(f"<@{m}>" for m in policy.holders("managers")) or "the managers role"
    raise NotAllowed(
        "You can't read the desk's figures. They are for managers "
        f"({managers}) and for the supervisors and members of provider groups, each for "
        "their own groups."
    )
