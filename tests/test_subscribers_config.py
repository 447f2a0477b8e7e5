"""BCAST-3: subscribers.yml is checked at start like every policy file: one line naming the
file, the key, the value found and what is allowed; SMTP_URL is checked with the settings, and
e-mail subscribers without a relay stop the start."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.app import StartupError, build_runtime
from config.policy import PolicyError, load_policy
from config.settings import SettingsError, load_settings
from tests.conftest import world_settings
from tests.test_config import _broken

SECRET = "CASEDESK_TEST_HOOK_SECRET"


def with_subscriber(**entry: Any) -> Any:
    return lambda d: d.update(subscribers={"partner": entry})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            with_subscriber(email="frontdesk@northwind", services=["email"]),
            "subscribers.yml: subscribers.partner.email: not an e-mail address: the part after "
            "the @ is not a domain like example.org (found 'frontdesk@northwind'). Allowed: an "
            "address like name@example.org.",
            id="a malformed address",
        ),
        pytest.param(
            with_subscriber(webhook="ftp://hooks.example.org/x", secret_env=SECRET),
            "subscribers.yml: subscribers.partner.webhook: not a webhook URL: it is not an "
            "http:// or https:// URL (found 'ftp://hooks.example.org/x'). Allowed: an http(s) "
            "URL like https://hooks.example.org/casedesk.",
            id="a webhook that is not http(s)",
        ),
        pytest.param(
            with_subscriber(webhook="https://hooks.example.org/x"),
            "subscribers.yml: subscribers.partner.secret_env: a webhook needs `secret_env:` "
            "(found None). Allowed: the name of the environment variable holding the secret "
            "that signs its posts.",
            id="a webhook without a secret",
        ),
        pytest.param(
            with_subscriber(webhook="https://hooks.example.org/x", secret_env="CASEDESK_UNSET_X"),
            "subscribers.yml: subscribers.partner.secret_env: not set in the environment (found "
            "'CASEDESK_UNSET_X'). Allowed: the name of an environment variable holding the "
            "webhook's secret (at least 16 characters, e.g. from `openssl rand -hex 32`).",
            id="a secret that is not set",
        ),
        pytest.param(
            with_subscriber(email="a@northwind.example", webhook="https://hooks.example.org/x"),
            "subscribers.yml: subscribers.partner: needs either `email:` or `webhook:` (found ",
            id="both ways at once",
        ),
        pytest.param(
            with_subscriber(email="a@northwind.example", services=["teleporter"]),
            "subscribers.yml: subscribers.partner.services.0: not a known value (found "
            "'teleporter'). Allowed: email, vpn,",
            id="an unknown service",
        ),
        pytest.param(
            lambda d: d["delivery"].update(pause_after="forever"),
            "subscribers.yml: delivery.pause_after: not a duration (found 'forever'). Allowed: "
            "a positive number with m, h or d, e.g. 30m, 4h, 2d.",
            id="a duration",
        ),
    ],
)
def test_bcast_3_subscribers_yml_errors_are_one_line_with_file_key_value_and_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: object, message: str
) -> None:
    monkeypatch.setenv(SECRET, "x" * 32)
    folder = _broken(tmp_path, "subscribers.yml", edit)
    with pytest.raises(PolicyError) as caught:
        load_policy(folder)
    assert str(caught.value).startswith(message)


def test_bcast_3_a_fixed_webhook_reads_its_secret_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET, "s" * 40)
    folder = _broken(
        tmp_path,
        "subscribers.yml",
        with_subscriber(webhook="https://hooks.example.org/x", secret_env=SECRET),
    )
    (fixed,) = load_policy(folder).subscribers.subscribers.values()
    assert (fixed.key, fixed.webhook, fixed.services, fixed.secret) == (
        "partner",
        "https://hooks.example.org/x",
        (),
        "s" * 40,
    )


@pytest.mark.parametrize(
    "url",
    ["http://relay:587", "smtp://", "smtps://desk:hunter2@relay:port", "relay.example.org:25"],
)
def test_bcast_3_a_bad_smtp_url_names_the_variable_and_the_fix(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"SMTP_URL": url})
    assert "is not an SMTP relay URL. Use smtp://user:password@relay.example.org:587" in str(
        caught.value
    )
    assert "hunter2" not in str(caught.value), "a password is never echoed"


def test_bcast_3_email_subscribers_without_a_relay_stop_the_start(
    tmp_path: Path, database_url: str
) -> None:
    folder = _broken(
        tmp_path, "subscribers.yml", with_subscriber(email="frontdesk@northwind.example")
    )
    settings = dataclasses.replace(world_settings(database_url), config_dir=folder)
    with pytest.raises(StartupError) as caught:
        build_runtime(settings, verify_token=False)
    assert str(caught.value) == (
        "subscribers.yml names e-mail subscribers (partner) but SMTP_URL is not set. Set "
        "SMTP_URL to the mail relay (smtp://user:password@relay:587), or take them out."
    )
