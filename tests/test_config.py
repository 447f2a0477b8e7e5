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

from bot import vocabulary
from bot.reports.weekly import channel as report_channel
from config.desk_policy import CONTACT_CHANNELS
from config.policy import Coordination, PolicyError, Problems, load_policy
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
            "desk.yml",
            lambda d: d["figures"].update(first_contact_resolution_goal_percent=180),
            ["desk.yml", "figures.first_contact_resolution_goal_percent", "180", "100"],
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


GROUP_KEYS = "name, tier, focus, queue_channel, members, on_call, supervisor, calendar"
GROUP_NAMES = (
    "service-desk, command-center, messaging, network, identity, end-user-computing, "
    "payroll-apps, payroll-vendor, security"
)


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        pytest.param(
            "groups.yml",
            lambda d: d["groups"]["network"].pop("on_call"),
            "groups.yml: groups.network.on_call: missing. Allowed: see the shipped config/ for "
            "an example.",
            id="missing key",
        ),
        pytest.param(
            "catalog.yml",
            lambda d: d["services"]["vpn"].update(supported="yes"),
            "catalog.yml: services.vpn.supported: expected true or false (found 'yes'). "
            "Allowed: true, false.",
            id="wrong type: text for a flag",
        ),
        pytest.param(
            "groups.yml",
            lambda d: d["groups"]["network"].update(tier=True),
            "groups.yml: groups.network.tier: expected a whole number (found True). Allowed: "
            "e.g. 1001.",
            id="wrong type: a flag for a number",
        ),
        pytest.param(
            "desk.yml",
            lambda d: d.update(closure=["24h"]),
            "desk.yml: closure: expected a mapping of keys (found ['24h']). Allowed: key: value "
            "pairs.",
            id="wrong type: a list for a section",
        ),
        pytest.param(
            "catalog.yml",
            lambda d: d["requests"]["new-laptop"].update(type="gift"),
            "catalog.yml: requests.new-laptop.type: not a known value (found 'gift'). Allowed: "
            "fulfillment, new_service.",
            id="value not allowed",
        ),
        pytest.param(
            "catalog.yml",
            lambda d: d["services"]["vpn"].update(sla={"P1": {"fix": "1h"}}),
            "catalog.yml: services.vpn.sla.P1.fix: unknown key (found 'fix'). Allowed: "
            "first_response, next_update, resolution.",
            id="key not allowed",
        ),
        pytest.param(
            "groups.yml",
            lambda d: d["groups"]["network"].update(colour="red"),
            f"groups.yml: groups.network.colour: unknown key (found 'colour'). Allowed: "
            f"{GROUP_KEYS}.",
            id="unknown key",
        ),
        pytest.param(
            "desk.yml",
            lambda d: d["coordination"].update(nap_after="1h"),
            "desk.yml: coordination.nap_after: unknown setting (found 'nap_after'). Allowed: "
            "estimate_reminder_after, handoff_reminder_after, handoff_escalate_after, "
            "consult_followup_after, command_center_test_every, timeline_reaction, "
            "history_page_size, join_brief_entries.",
            id="unknown setting",
        ),
        pytest.param(
            "catalog.yml",
            lambda d: d["services"]["vpn"]["groups"].update(default="netops"),
            f"catalog.yml: services.vpn.groups.default: not a known value (found 'netops'). "
            f"Allowed: {GROUP_NAMES}.",
            id="reference to another file",
        ),
        pytest.param(
            "desk.yml",
            lambda d: d["closure"].update(approval_services=["payroll", "teleporter"]),
            "desk.yml: closure.approval_services.1: not a known value (found 'teleporter'). "
            "Allowed: email, vpn, identity, laptops, printers, network, payroll, "
            "personal-devices, file-sharing-sites.",
            id="reference in a list",
        ),
        pytest.param(
            "priority.yml",
            lambda d: d["impact_questions"]["people"]["options"][0].update(impact="huge"),
            "priority.yml: impact_questions.people.options.0.impact: not a known value (found "
            "'huge'). Allowed: extensive, significant, moderate, minor.",
            id="reference within the file",
        ),
        pytest.param(
            "groups.yml",
            lambda d: d["groups"]["network"].update(queue_channel="#network"),
            "groups.yml: groups.network.queue_channel: badly formed (found '#network'). "
            "Allowed: a channel id like C0123ABC.",
            id="channel id",
        ),
        pytest.param(
            "groups.yml",
            lambda d: d["groups"].update({"Network Ops": d["groups"]["network"]}),
            "groups.yml: groups.Network Ops: badly formed key (found 'Network Ops'). Allowed: "
            "lower-case letters, digits, - and _.",
            id="badly formed key",
        ),
        pytest.param(
            "groups.yml",
            lambda d: d["groups"].update({7: d["groups"]["network"]}),
            "groups.yml: groups.7: a key that is not text (found 7). Allowed: a name; quote a "
            'number: "1".',
            id="a number for a key",
        ),
        pytest.param(
            "calendars.yml",
            lambda d: d["calendars"]["office-hours"]["hours"].update(mon=["18:00-08:00"]),
            "calendars.yml: calendars.office-hours.hours.mon.0: not an opening span (found "
            "'18:00-08:00'). Allowed: a start before the end, within 00:00-24:00.",
            id="opening hours by weekday name",
        ),
        pytest.param(
            "changes.yml",
            lambda d: d["windows"][0].update(end="2027-01-20T02:00"),
            "changes.yml: windows.0.end: more than 14 days after the start (found "
            "'2027-01-20T02:00'). Allowed: split it into windows.",
            id="a check across keys names the key",
        ),
    ],
)
def test_config_each_kind_of_error_is_one_line_with_file_key_value_and_allowed(
    tmp_path: Path, file: str, edit: object, message: str
) -> None:
    folder = _broken(tmp_path, file, edit)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value) == message


def test_route_4_an_escalation_route_must_go_up_a_tier(tmp_path: Path) -> None:
    folder = _broken(
        tmp_path,
        "catalog.yml",
        lambda d: d["services"]["vpn"]["escalation_routes"].update(network=["service-desk"]),
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value) == (
        "catalog.yml: services.vpn.escalation_routes.network: network (tier 2) -> service-desk "
        "(tier 1) is not an escalation (found ['service-desk']). Allowed: groups of a higher "
        "tier; another focus area at the same tier is a transfer: name that group under "
        "`groups:` instead."
    )


def test_config_an_optional_key_left_empty_keeps_its_default(tmp_path: Path) -> None:
    """`requests:` with every entry commented out reads as no requests, not as an error."""
    folder = _broken(tmp_path, "catalog.yml", lambda d: d.update(requests=None))
    desk = yaml.safe_load((folder / "desk.yml").read_text())
    desk.update(coordination=None, problems=None)
    (folder / "desk.yml").write_text(yaml.safe_dump(desk))
    policy = load_policy(folder)
    assert (policy.requests, policy.coordination, policy.problems) == (
        {},
        Coordination(),
        Problems(),
    )
    assert load_policy(SHIPPED_CONFIG).problems != Problems()


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


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda d: d["weekly_report"].update(day="monday"),
            "reports.yml: weekly_report.day: not a known value (found 'monday'). Allowed: mon, "
            "tue, wed, thu, fri, sat, sun.",
            id="day",
        ),
        pytest.param(
            lambda d: d["weekly_report"].update(time="9am"),
            "reports.yml: weekly_report.time: not a time of day (found '9am'). Allowed: a quoted "
            '24-hour time "HH:MM", e.g. "09:00".',
            id="time",
        ),
        pytest.param(
            lambda d: d["weekly_report"].update(channel="#desk-management"),
            "reports.yml: weekly_report.channel: badly formed (found '#desk-management'). "
            "Allowed: a channel id like C0123ABC.",
            id="channel",
        ),
        pytest.param(
            lambda d: d["weekly_report"].update(hour=9),
            "reports.yml: weekly_report.hour",
            id="unknown key",
        ),
    ],
)
def test_qual_2_reports_yml_errors_name_the_key_and_what_is_allowed(
    tmp_path: Path, edit: object, message: str
) -> None:
    folder = _broken(tmp_path, "reports.yml", edit)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value).startswith(message)


def test_qual_2_the_weekly_report_defaults_to_monday_nine_in_the_management_channel(
    tmp_path: Path,
) -> None:
    shipped = load_policy(SHIPPED_CONFIG)
    assert (shipped.weekly_report.day, str(shipped.weekly_report.time)) == ("mon", "09:00:00")
    assert shipped.desk_zone == "Europe/London"
    folder = _broken(tmp_path, "reports.yml", lambda d: d.clear())
    (folder / "reports.yml").unlink()
    policy = load_policy(folder)
    assert policy.weekly_report.channel is None and policy.weekly_report.enabled
    assert report_channel(policy) == "C0MGMT"


def test_intake_5_the_automated_channels_are_policy_and_a_wrong_one_is_named(
    tmp_path: Path,
) -> None:
    policy = load_policy(SHIPPED_CONFIG)
    assert policy.intake.needs_validation_from == {"self_service", "monitoring"}
    assert [policy.needs_validation(c) for c in CONTACT_CHANNELS] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert list(CONTACT_CHANNELS) == list(vocabulary.CONTACT_CHANNELS), "each has its label"
    folder = _broken(
        tmp_path, "desk.yml", lambda d: d["intake"].update(needs_validation_from=["email_form"])
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value) == (
        "desk.yml: intake.needs_validation_from.0: not a known value (found 'email_form'). "
        "Allowed: slack_form, slack_command, slack_message, self_service, monitoring."
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda d: d["sources"]["prometheus"].update(kind="nagios"),
            "alerts.yml: sources.prometheus.kind: not a known value (found 'nagios'). Allowed: "
            "alertmanager, grafana, generic.",
            id="an unknown source kind",
        ),
        pytest.param(
            lambda d: d["sources"]["grafana"].update(token_env="CASEDESK_ALERTS_PROMETHEUS_TOKEN"),
            "alerts.yml: sources.prometheus.token_env: already the token of source grafana "
            "(found 'CASEDESK_ALERTS_PROMETHEUS_TOKEN'). Allowed: a variable of its own for "
            "each source.",
            id="two sources share a token",
        ),
        pytest.param(
            lambda d: d["sources"]["grafana"].update(token_env="grafana token"),
            "alerts.yml: sources.grafana.token_env: badly formed (found 'grafana token'). "
            "Allowed: an environment variable name like ALERTS_TOKEN.",
            id="a token variable name",
        ),
        pytest.param(
            lambda d: d["rules"][0].update(service="mail"),
            "alerts.yml: rules.0.service: not a known value (found 'mail'). Allowed: email, vpn,",
            id="a service not in the catalog",
        ),
        pytest.param(
            lambda d: d["rules"][0]["impact"].update(people="all"),
            "alerts.yml: rules.0.impact.people: not an answer to this question (found 'all'). "
            "Allowed: one, team, site, everyone.",
            id="an impact answer",
        ),
        pytest.param(
            lambda d: d["rules"][0]["urgency"].update(critical="urgent"),
            "alerts.yml: rules.0.urgency.critical: not an urgency level (found 'urgent'). "
            "Allowed: high, medium, low.",
            id="an urgency level",
        ),
        pytest.param(
            lambda d: d["rules"][0].update(match_re={"job": "(postfix"}),
            "alerts.yml: rules.0.match_re.job: not a regular expression (missing ), unterminated "
            "subpattern at position 0) (found '(postfix'). Allowed: a Python regular expression.",
            id="a bad regular expression",
        ),
        pytest.param(
            lambda d: d["rules"][0].update(summary="{alertname} down"),
            "alerts.yml: rules.0.summary: unknown placeholder {alertname} (found '{alertname} "
            "down'). Allowed: {labels.<name>} and {annotations.<name>}, e.g. {labels.alertname}.",
            id="a summary placeholder",
        ),
        pytest.param(
            lambda d: d["rules"][1].update(name="mail"),
            "alerts.yml: rules.1.name: used twice (found 'mail'). Allowed: one rule per name.",
            id="two rules of one name",
        ),
    ],
)
def test_intake_1_alerts_yml_errors_name_file_key_value_and_what_is_allowed(
    tmp_path: Path, edit: object, message: str
) -> None:
    folder = _broken(tmp_path, "alerts.yml", edit)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value).startswith(message)


def test_intake_1_alerts_yml_is_optional(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "desk.yml", lambda d: None)
    (folder / "alerts.yml").unlink()
    assert load_policy(folder).alerts is None
