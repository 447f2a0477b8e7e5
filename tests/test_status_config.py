"""BCAST-2's status.yml: checked at start like every policy file (file, key, value, allowed),
and a page kept internal opens only with the shared token from the environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import yaml

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from bot.status.web import StatusSite
from bot.web_server import start_web_server
from config.policy import PolicyError, load_policy
from config.settings import SHIPPED_CONFIG
from tests.status_site import major_outage

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "status-token-0123456789abcdef"


def _config(tmp_path: Path, page: dict[str, object] | None) -> Path:
    """The shipped config with status.yml's page replaced (None: no status.yml at all)."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if page is None:
        (folder / "status.yml").unlink()
    else:
        (folder / "status.yml").write_text(yaml.safe_dump({"page": page}))
    return folder


def test_bcast_2_the_shipped_status_yml_and_the_defaults_without_it(tmp_path: Path) -> None:
    shipped = load_policy(SHIPPED_CONFIG).status_page
    assert (shipped.title, shipped.url, shipped.access, shipped.resolved_for) == (
        "Northwind IT service status",
        "https://it.northwind.example/status",
        "public",
        timedelta(days=7),
    )
    assert shipped.services == (
        "email",
        "vpn",
        "identity",
        "network",
        "laptops",
        "printers",
        "payroll",
    )
    default = load_policy(_config(tmp_path, None)).status_page
    assert (default.access, default.services, default.resolved_for, default.token()) == (
        "public",
        None,
        timedelta(days=7),
        None,
    )


@pytest.mark.parametrize(
    ("page", "message"),
    [
        pytest.param(
            {"access": "token"},
            "status.yml: page.token_env: missing for access: token. Allowed: the name of the "
            "environment variable holding the token, e.g. CASEDESK_STATUS_TOKEN.",
            id="a token page names its variable",
        ),
        pytest.param(
            {"access": "token", "token_env": "my-token"},
            "status.yml: page.token_env: badly formed (found 'my-token'). Allowed: an "
            "environment variable name.",
            id="a variable name, never the token",
        ),
        pytest.param(
            {"access": "secret"},
            "status.yml: page.access: not a known value (found 'secret'). Allowed: public, token.",
            id="public or token",
        ),
        pytest.param(
            {"services": ["email", "fax"]},
            "status.yml: page.services.1: not a known value (found 'fax'). Allowed: email, vpn, "
            "identity, laptops, printers, network, payroll, personal-devices, file-sharing-sites.",
            id="catalog services only",
        ),
        pytest.param(
            {"services": ["email", "vpn", "email"]},
            "status.yml: page.services.2: listed twice (found 'email'). Allowed: each service "
            "once.",
            id="each service once",
        ),
        pytest.param(
            {"resolved_for": "120d"},
            "status.yml: page.resolved_for: longer than 90 days (found '120d'). Allowed: a "
            "duration up to 90d, e.g. 7d.",
            id="resolved incidents stay at most 90 days",
        ),
        pytest.param(
            {"url": "status.example.org"},
            "status.yml: page.url: not a web address (found 'status.example.org'). Allowed: an "
            "http(s) URL, e.g. https://status.example.org/status.",
            id="the public address",
        ),
        pytest.param(
            {"refresh": "30s"},
            "status.yml: page.refresh: unknown key (found 'refresh'). Allowed: title, url, "
            "access, token_env, services, resolved_for.",
            id="unknown keys",
        ),
    ],
)
def test_bcast_2_a_status_yml_mistake_is_one_line_with_file_key_value_and_allowed(
    tmp_path: Path, page: dict[str, object], message: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(_config(tmp_path, page))
    assert str(caught.value) == message


def test_bcast_2_a_token_page_does_not_start_without_its_token(tmp_path: Path) -> None:
    folder = _config(tmp_path, {"access": "token", "token_env": "CASEDESK_STATUS_TOKEN"})
    base = {"CASEDESK_CONFIG": str(folder), "PATH": "/usr/bin:/bin"}
    for env, found in (({}, "not set"), ({"CASEDESK_STATUS_TOKEN": "short"}, "5 characters")):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "check"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**base, **env},
            cwd=ROOT,
        )
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            f"casedesk: cannot start: status.yml: token_env: the environment variable "
            f"CASEDESK_STATUS_TOKEN is {found}. Allowed: set CASEDESK_STATUS_TOKEN to a random "
            "secret of at least 16 characters (e.g. `openssl rand -hex 24`), or make the page "
            "`access: public`.\n"
        )
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, "CASEDESK_STATUS_TOKEN": TOKEN},
        cwd=ROOT,
    )
    assert ok.returncode == 0, ok.stderr
    assert "; status page token at http://localhost:3000/status\n" in ok.stdout
    assert ok.stdout.endswith("\nsubscribers ok: 0 fixed subscribers, no e-mail (SMTP_URL unset)\n")


def test_bcast_2_a_token_page_answers_only_with_the_token(
    world: World, dana: Driver, tmp_path: Path
) -> None:
    major_outage(world, dana)
    folder = _config(tmp_path, {"access": "token", "token_env": "CASEDESK_STATUS_TOKEN"})
    runtime = world.runtime
    site = StatusSite(
        db=runtime.db,
        policy=load_policy(folder),
        clock=runtime.clock,
        environ={"CASEDESK_STATUS_TOKEN": TOKEN},
    )
    web = start_web_server(site, host="127.0.0.1", port=0)
    base = f"http://127.0.0.1:{web.port}"
    try:
        refused = [
            requests.get(f"{base}{path}", timeout=15)
            for path in ("/status", "/status.json", "/status.atom?token=wrong")
        ]
        page = requests.get(f"{base}/status", params={"token": TOKEN}, timeout=15)
        feed = requests.get(
            f"{base}/status.atom", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=15
        )
    finally:
        web.stop()
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert "CASE-1001" not in "".join(r.text for r in refused)
    assert refused[0].headers["WWW-Authenticate"] == 'Bearer realm="status"'
    assert (page.status_code, feed.status_code) == (200, 200)
    assert f'href="status.json?token={TOKEN}"' in page.text
    assert f'<input type="hidden" name="token" value="{TOKEN}">' in page.text
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "CASE-1001" in feed.text
