"""Start-up checks: settings from the environment and the policy YAML, each error naming the
variable or the file and key, the bad value, and what is allowed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.policy import PolicyError, load_policy
from config.settings import SHIPPED_CONFIG, SettingsError, load_settings


def test_the_shipped_policy_is_a_plausible_desk() -> None:
    policy = load_policy(SHIPPED_CONFIG)
    assert {"email", "vpn", "identity", "laptops", "printers", "network", "payroll"} <= set(
        policy.services
    )
    assert any(not s.supported for s in policy.services.values())
    assert policy.major_priorities == {"P1", "P2"} and next(iter(policy.priorities)) == "P1"
    assert policy.groups[policy.command_center_group].on_call


def test_settings_default_to_the_sandbox_and_a_sqlite_file() -> None:
    settings = load_settings({})
    assert settings.mode == "sandbox" and settings.port == 3000
    assert settings.database_url.startswith("sqlite:///") and settings.config_dir == SHIPPED_CONFIG


def test_settings_pick_socket_or_http_mode() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(base).mode == "http"
    assert load_settings({**base, "SLACK_APP_TOKEN": "xapp-1"}).mode == "socket"
    assert load_settings({**base, "SLACK_API_URL": "http://localhost:9/api"}).api_url == (
        "http://localhost:9/api/"
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg2://db/x"}, "psycopg"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"CASEDESK_CONFIG": "/nonexistent/folder"}, "CASEDESK_CONFIG"),
    ],
)
def test_a_bad_setting_names_the_variable_and_the_fix(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named) as caught:
        load_settings(env)
    fixes = ("use ", "unset", "set ", "copy", "install", "point")
    assert any(fix in str(caught.value).lower() for fix in fixes), "the message says the fix"


def _broken(tmp_path: Path, file: str, edit: object) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / file
    data = yaml.safe_load(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data))
    return folder


@pytest.mark.parametrize(
    ("file", "edit", "expected"),
    [
        (
            "groups.yml",
            lambda d: d["groups"]["network"].update(queue_channel="#network"),
            ["groups.yml", "groups.network.queue_channel", "'#network'", "channel id"],
        ),
        (
            "groups.yml",
            lambda d: d["groups"]["network"].update(tier="two"),
            ["groups.yml", "groups.network.tier", "whole number"],
        ),
        (
            "catalog.yml",
            lambda d: d["services"]["vpn"]["groups"].update(default="netops"),
            ["catalog.yml", "services.vpn.groups.default", "'netops'", "network"],
        ),
        (
            "catalog.yml",
            lambda d: d["services"]["vpn"].update(priority_at_most="P9"),
            ["catalog.yml", "services.vpn.priority_at_most", "P1, P2"],
        ),
        (
            "catalog.yml",
            lambda d: d["services"]["vpn"].update(sla={"P1": {"resolution": "soon"}}),
            ["catalog.yml", "services.vpn.sla.P1.resolution", "30m"],
        ),
        (
            "priority.yml",
            lambda d: d["matrix"]["minor"].pop("low"),
            ["priority.yml", "matrix.minor", "urgency 'low'"],
        ),
        (
            "priority.yml",
            lambda d: d.update(major_priorities=["P1", "P7"]),
            ["priority.yml", "major_priorities.1", "'P7'"],
        ),
        (
            "desk.yml",
            lambda d: d["roles"].update(managers=["morgan"]),
            ["desk.yml", "roles.managers.0", "'morgan'", "user id"],
        ),
        (
            "desk.yml",
            lambda d: d["roles"].update(wizards=["U0ABC"]),
            ["desk.yml", "roles.wizards", "unknown role", "override_approvers"],
        ),
        (
            "desk.yml",
            lambda d: d["desk"].pop("broadcast_channel"),
            ["desk.yml", "desk.broadcast_channel", "missing"],
        ),
        ("sla.yml", lambda d: d["targets"].pop("P5"), ["sla.yml", "targets", "P5"]),
        (
            "sla.yml",
            lambda d: d.update(warn_at_percent=100),
            ["sla.yml", "warn_at_percent", "at most 99"],
        ),
        (
            "sla.yml",
            lambda d: d.update(at_risk_within="soon"),
            ["sla.yml", "at_risk_within", "30m, 4h, 2d"],
        ),
        (
            "desk.yml",
            lambda d: d["major_incident"].update(services={"teleporter": "P3"}),
            ["desk.yml", "major_incident.services.teleporter", "unknown key"],
        ),
        (
            "desk.yml",
            lambda d: d["major_incident"].update(linked_cases=1),
            ["desk.yml", "major_incident.linked_cases", "at least 2"],
        ),
        (
            "desk.yml",
            lambda d: d["problems"].update(channel="#problems"),
            ["desk.yml", "problems.channel", "channel id"],
        ),
        (
            "catalog.yml",
            lambda d: d["requests"]["new-laptop"].update(type="gift"),
            ["catalog.yml", "requests.new-laptop.type", "fulfillment, new_service"],
        ),
        (
            "catalog.yml",
            lambda d: d["requests"]["distribution-list"].update(estimate="2h"),
            ["catalog.yml", "requests.distribution-list.type", "not a fulfilment procedure"],
        ),
        (
            "changes.yml",
            lambda d: d["windows"][0].update(end="2026-12-31T19:00"),
            ["changes.yml", "windows.0.end", "not after the start"],
        ),
        (
            "changes.yml",
            lambda d: d["windows"][0].update(start="new year's eve"),
            ["changes.yml", "windows.0.start", "YYYY-MM-DDTHH:MM"],
        ),
        (
            "changes.yml",
            lambda d: d["windows"].append(dict(d["windows"][0])),
            ["changes.yml", "windows.1.ref", "used twice"],
        ),
    ],
)
def test_a_policy_error_names_file_key_value_and_what_is_allowed(
    tmp_path: Path, file: str, edit: object, expected: list[str]
) -> None:
    folder = _broken(tmp_path, file, edit)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    for part in expected:
        assert part in str(caught.value)


def test_a_missing_or_unreadable_policy_file_is_named(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "sla.yml", lambda d: None)
    (folder / "sla.yml").unlink()
    with pytest.raises(PolicyError, match=r"sla\.yml"):
        load_policy(folder)
    (folder / "sla.yml").write_text("targets: [unclosed")
    with pytest.raises(PolicyError, match=r"sla\.yml: not valid YAML"):
        load_policy(folder)


def test_start_up_stops_with_the_message_and_no_trace(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "groups.yml", lambda d: d["groups"]["network"].update(tier=0))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"CASEDESK_CONFIG": str(folder), "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 2
    assert "groups.network.tier" in result.stderr and "Traceback" not in result.stderr


def _start(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot <command>` in a clean environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-m", "bot", command],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", **env},
        cwd=Path(__file__).resolve().parents[1],
    )


def test_settings_socket_mode_without_the_app_token_names_slack_app_token(tmp_path: Path) -> None:
    result = _start("socket", tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "casedesk: cannot start: Socket Mode needs SLACK_APP_TOKEN (the app-level token, "
        "xapp-..., with the connections:write scope: Basic Information > App-Level Tokens).\n"
    )


def test_settings_an_unreachable_slack_api_url_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    with socket.socket() as closed:  # a port nobody listens on: bound, never listening
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
        result = _start(
            "socket",
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-1",
            SLACK_APP_TOKEN="xapp-1",
            SLACK_API_URL=url,
        )
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr
        == f"casedesk: cannot start: cannot reach Slack at {url}: Connection refused\n"
    )
