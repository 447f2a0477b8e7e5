"""PERM-1: who may do what to a case, checked on the server for every action.

Each action lists the holders that may do it (a role from desk.yml, the case's coordinator, the
members of its group ...). A refusal names every holder and who they are, so the person knows
whom to ask. Buttons are never trusted: the check runs again when the click arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import NotAllowed as NotAllowed
from config.policy import Policy
from config.usergroups import is_usergroup
from store.models import Case

ROLE_LABELS = {
    "service_desk": "the service desk role",
    "command_center": "the command center role",
    "managers": "the managers role",
    "override_approvers": "the override approvers role",
}
NAMED_AT_MOST = 4


@dataclass(frozen=True, kw_only=True)
class Holder:
    """One way to be allowed: a label for the refusal, the people it covers, and the Slack user
    groups it is given to (named in a refusal as the group, not member by member)."""

    label: str
    users: frozenset[str]
    private: bool = False  # a refusal names the holder's role only (a case's requester)
    usergroups: tuple[str, ...] = ()
    named: frozenset[str] | None = None  # the users to name; all of `users` when None


def role(policy: Policy, name: str) -> Holder:
    configured = policy.roles.get(name, frozenset())
    return Holder(
        label=ROLE_LABELS.get(name, name),
        users=frozenset(policy.holders(name)),
        usergroups=policy.role_usergroups(name),
        named=frozenset(e for e in configured if not is_usergroup(e)),
    )


def coordinator(case: Case) -> Holder:
    return Holder(label=f"the coordinator of {case.ref}", users=frozenset({case.coordinator_id}))


def group_members(policy: Policy, group_key: str | None) -> Holder:
    group = policy.groups.get(group_key or "")
    if group is None:
        return Holder(label="a member of the case's group", users=frozenset())
    return Holder(
        label=f"a member of {group.name}",
        users=policy.members_of(group) | {group.supervisor},
        usergroups=tuple(sorted(e for e in group.members if is_usergroup(e))),
        named=frozenset(e for e in (*group.members, group.supervisor) if not is_usergroup(e)),
    )


def supervisor(policy: Policy, group_key: str | None) -> Holder:
    group = policy.groups.get(group_key or "")
    if group is None:
        return Holder(label="the group's supervisor", users=frozenset())
    return Holder(label=f"the supervisor of {group.name}", users=frozenset({group.supervisor}))


def staff(policy: Policy) -> Holder:
    """Anyone on the desk or in a resolver group (not a requester)."""
    users = {u for members in policy.roles.values() for u in policy.usergroups.expand(members)}
    for group in policy.groups.values():
        users.update((*policy.members_of(group), group.on_call, group.supervisor))
    return Holder(label="a member of the desk or a resolver group", users=frozenset(users))


def require(user: str, holders: Sequence[Holder], *, to: str) -> None:
    """Allow `user` if any holder covers them; otherwise refuse, naming holders and people."""
    if any(user in holder.users for holder in holders):
        return
    named = "; or ".join(h.label if h.private else f"{h.label} ({_people(h)})" for h in holders)
    raise NotAllowed(f"You can't {to}. It needs {named}. Ask one of them.")


def _people(holder: Holder) -> str:
    """The user groups as Slack mentions, then the people named one by one."""
    groups = [f"<!subteam^{g}>" for g in holder.usergroups]
    people = sorted(holder.users if holder.named is None else holder.named)
    if not groups and not people:
        return "nobody holds it yet: ask the desk's administrators"
    room = max(NAMED_AT_MOST - len(groups), 0)
    shown = ", ".join([*groups, *(f"<@{u}>" for u in people[:room])])
    more = len(people) - room
    return f"{shown} and {more} more" if more > 0 else shown


# -- the actions ------------------------------------------------------------------------------
def may_coordinate(policy: Policy, case: Case) -> list[Holder]:
    """Hand over, give estimates, consult: the coordinator, the group's supervisor, managers."""
    return [
        coordinator(case),
        supervisor(policy, case.group_key),
        role(policy, "managers"),
    ]


def may_reassign(policy: Policy, case: Case) -> list[Holder]:
    """Escalate or transfer: the coordinator, the group working it, the desk, the center."""
    return [
        coordinator(case),
        group_members(policy, case.group_key),
        role(policy, "service_desk"),
        role(policy, "command_center"),
        role(policy, "managers"),
    ]


def may_speak_for_desk(policy: Policy, case: Case) -> list[Holder]:
    """BCAST-4: the one voice to the customer is the coordinator's or the desk's."""
    return [
        coordinator(case),
        role(policy, "service_desk"),
        role(policy, "command_center"),
    ]


def requester(case: Case) -> Holder:
    """PERM-2: the case's requester, never named in a refusal (that would tell one requester
    who asked for someone else's case)."""
    return Holder(
        label=f"the requester of {case.ref}", users=frozenset({case.requester_id}), private=True
    )


def may_read(policy: Policy, case: Case) -> list[Holder]:
    """PERM-2: staff read every case; a requester reads only their own."""
    return [staff(policy), requester(case)]


def may_resolve(policy: Policy, case: Case) -> list[Holder]:
    """CLOSE-1: propose a resolution: the coordinator, the group, the desk, the center."""
    return [
        coordinator(case),
        group_members(policy, case.group_key),
        role(policy, "service_desk"),
        role(policy, "command_center"),
    ]


def may_close(policy: Policy, case: Case) -> list[Holder]:
    """CLOSE-4: the coordinator or the desk; a major incident only the command center."""
    if case.is_major:
        return [role(policy, "command_center")]
    return [coordinator(case), role(policy, "service_desk")]


def may_withdraw(policy: Policy, case: Case) -> list[Holder]:
    """CLOSE-4's "withdrawn": the requester, or whoever may close the case for them."""
    return [requester(case), coordinator(case), role(policy, "service_desk")]


def may_consult(policy: Policy, case: Case) -> list[Holder]:
    """ROUTE-5: ask another group for help: the coordinator, the desk, the center, the group."""
    return [
        coordinator(case),
        role(policy, "service_desk"),
        role(policy, "command_center"),
        group_members(policy, case.group_key),
    ]


def may_answer_cc_test(policy: Policy) -> list[Holder]:
    """ROUTE-6: only the command center answers its own "can we resolve this here?" test."""
    return [role(policy, "command_center")]


def may_manage_subscribers(policy: Policy) -> list[Holder]:
    """BCAST-3: who decides who outside hears of incidents: managers and the command center."""
    return [role(policy, "managers"), role(policy, "command_center")]


def may_read_subscribers(policy: Policy) -> list[Holder]:
    """BCAST-3: the list, with each one's last delivery: those who manage it and the desk."""
    return [*may_manage_subscribers(policy), role(policy, "service_desk")]
