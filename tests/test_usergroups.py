"""PERM-1: roles and provider groups given to Slack user groups (S… ids). Members are read with
usergroups.users.list at start, on a timer and on `subteam_members_changed`; a refusal names
the group as Slack's mention; a group Slack does not know stops the start with its place."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import usergroups
from bot.app import StartupError
from bot.clock import Clock
from bot.sandbox.driver import Driver
from bot.sandbox.standin import SlackStandIn
from bot.sandbox.world import World, build_world
from config.policy import PolicyError, load_policy
from config.settings import SHIPPED_CONFIG
from tests.conftest import as_user, world_settings
from tests.helpers import cases, last_ephemeral

Doc = dict[str, Any]
MARCO, MORGAN, KENJI, RAVI = "U0CC02", "U0MGR01", "U0NET01", "U0EUC01"


def _config(tmp_path: Path, change: Callable[[Doc, Doc], None]) -> Path:
    """The shipped policy with desk.yml and groups.yml changed by `change(desk, groups)`."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    desk = yaml.safe_load((folder / "desk.yml").read_text())
    groups = yaml.safe_load((folder / "groups.yml").read_text())
    change(desk, groups)
    (folder / "desk.yml").write_text(yaml.safe_dump(desk))
    (folder / "groups.yml").write_text(yaml.safe_dump(groups))
    return folder


def _by_groups(desk: Doc, groups: Doc) -> None:
    desk["roles"]["override_approvers"] = ["S0APPROVERS"]
    groups["groups"]["network"]["members"] = ["S0NETENG"]


@pytest.fixture
def grouped(tmp_path: Path, database_url: str, clock: Clock) -> Iterator[World]:
    settings = world_settings(database_url, config_dir=_config(tmp_path, _by_groups))
    world = build_world(settings, clock=clock)
    yield world
    world.close()


def _members_changed(driver: Driver, group_id: str) -> None:
    driver.send_event(
        {
            "type": "subteam_members_changed",
            "subteam_id": group_id,
            "team_id": driver.world.team_id,
            "added_users": [],
            "removed_users": [],
        }
    )


def test_perm_1_a_role_given_to_a_user_group_admits_its_members_and_names_the_group(
    grouped: World,
) -> None:
    dana = Driver(world=grouped, user="U0DESK01")
    dana.command("/case new Home router drops service=personal-devices for=@jordan")
    dana.press("Approve override", channel="C0DESKQ")
    assert "It needs the override approvers role (<!subteam^S0APPROVERS>). Ask one of them." in (
        last_ephemeral(grouped, "U0DESK01")
    )
    assert [c.method for c in grouped.standin.calls if c.method.startswith("usergroups")] == [
        "usergroups.users.list",
        "usergroups.users.list",
    ], "each group the policy names is read once at start"
    marco = as_user(grouped, "marco")  # in S0APPROVERS
    marco.press("Approve override", channel="C0DESKQ")
    marco.fill("Why approve", "The CFO's home office")
    marco.submit()
    assert cases(grouped)[0].support_status == "override_temporary"


def test_perm_1_members_follow_slack_when_it_says_the_group_changed(grouped: World) -> None:
    dana = Driver(world=grouped, user="U0DESK01")
    dana.command("/case new Wi-Fi slow in room 4 service=vpn urgency=low for=@alex")
    ravi = as_user(grouped, "ravi")  # end-user computing, not in S0NETENG yet
    kenji = as_user(grouped, "kenji")
    assert grouped.runtime.policy.members_of(grouped.runtime.policy.groups["network"]) == {KENJI}
    grouped.standin.add_usergroup(
        "S0NETENG", handle="network-engineers", name="Network engineers", users=[RAVI]
    )
    still = grouped.runtime.policy.members_of(grouped.runtime.policy.groups["network"])
    assert still == {KENJI}, "nothing changes until Slack says so (or the timer reads it)"
    _members_changed(dana, "S0NETENG")
    assert grouped.runtime.policy.members_of(grouped.runtime.policy.groups["network"]) == {RAVI}
    kenji.press("Take it", channel="C0NETQ")
    assert "Only members of Network Operations can take CASE-1001" in last_ephemeral(grouped, KENJI)
    ravi.press("Take it", channel="C0NETQ")
    assert cases(grouped)[0].coordinator_id == RAVI
    _members_changed(dana, "S0OTHER")  # a group the desk does not use: not read
    assert "S0OTHER" not in [c.args.get("usergroup") for c in grouped.standin.calls]


def test_perm_1_the_timer_reads_the_groups_again(grouped: World) -> None:
    policy = grouped.runtime.policy
    grouped.standin.add_usergroup(
        "S0APPROVERS", handle="override-approvers", name="Override approvers", users=[MORGAN]
    )
    assert policy.has_role(MARCO, "override_approvers")
    refresher = usergroups.Refresher(grouped.runtime.app.client, policy, every=0.05)
    refresher.start()
    try:
        deadline = time.monotonic() + 10
        while policy.has_role(MARCO, "override_approvers") and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        refresher.stop()
    assert not policy.has_role(MARCO, "override_approvers")
    assert policy.holders("override_approvers") == (MORGAN,)


def test_perm_1_a_failed_refresh_keeps_the_members_last_read(grouped: World) -> None:
    policy = grouped.runtime.policy
    grouped.standin.fail("usergroups.users.list", status=500, times=3)
    usergroups.refresh(grouped.runtime.app.client, policy)
    assert policy.holders("override_approvers") == (MARCO, MORGAN)


def _managers(entries: list[str]) -> Callable[[Doc, Doc], None]:
    def change(desk: Doc, groups: Doc) -> None:
        desk["roles"]["managers"] = entries

    return change


def test_perm_1_a_user_group_slack_does_not_know_stops_the_start_at_its_place(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    settings = world_settings(
        database_url, config_dir=_config(tmp_path, _managers(["S0NOSUCH", "U0MGR01"]))
    )
    with pytest.raises(StartupError) as raised:
        build_world(settings, clock=clock)
    assert str(raised.value) == (
        "desk.yml roles.managers: user group S0NOSUCH could not be read "
        "(usergroups.users.list: no_such_subteam): Slack has no user group with that id. Copy "
        "the id (S…) from the group's page in Slack, or list user ids instead."
    )


def _free_plan(standin: SlackStandIn) -> None:
    standin.set_usergroups_plan(available=False)


def _no_scope(standin: SlackStandIn) -> None:
    standin.fail("usergroups.users.list", status=200, error="missing_scope")


@pytest.mark.parametrize(
    ("prepare", "error", "fix"),
    [
        (
            _no_scope,
            "missing_scope",
            "the app lacks the usergroups:read scope: add it (manifest.yml) and ",
        ),
        (
            _free_plan,
            "plan_upgrade_required",
            "this workspace's Slack plan has no user groups: list user ",
        ),
    ],
)
def test_perm_1_a_missing_scope_or_plan_stops_the_start_with_the_fix(
    tmp_path: Path,
    database_url: str,
    clock: Clock,
    prepare: Callable[[SlackStandIn], None],
    error: str,
    fix: str,
) -> None:
    settings = world_settings(database_url, config_dir=_config(tmp_path, _managers(["S0MANAGERS"])))
    with pytest.raises(StartupError) as raised:
        build_world(settings, clock=clock, prepare=prepare)
    assert str(raised.value).startswith(
        "desk.yml roles.managers: user group S0MANAGERS could not be read "
        f"(usergroups.users.list: {error}): {fix}"
    )


def test_perm_1_a_role_entry_that_is_neither_a_user_nor_a_group_is_refused(
    tmp_path: Path,
) -> None:
    folder = _config(tmp_path, _managers(["managers-team"]))
    with pytest.raises(PolicyError) as raised:
        load_policy(folder)
    assert "a Slack user id like U0123ABC or a user group id like S0123ABC" in str(raised.value)
    assert "roles.managers" in str(raised.value)
