"""Settings from the environment (12-factor), checked before anything starts.

A missing or malformed value stops start-up with a message that names the variable and the fix,
because a bot that half-starts against the wrong workspace or database is worse than none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
SHIPPED_CONFIG = Path(__file__).resolve().parent
DEFAULT_ACK_DEADLINE = 2.0  # seconds before a slow command answers "working on it"
DEFAULT_USERGROUP_REFRESH = 600.0  # PERM-1: user groups' members are read again this often


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the process needs to know about its surroundings."""

    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    api_url: str
    database_url: str
    port: int
    config_dir: Path
    sweep_seconds: float = 5.0
    ack_deadline_seconds: float = DEFAULT_ACK_DEADLINE
    kb_url: str = "http://localhost:3000"
    kb_folder: Path = SHIPPED_CONFIG.parent / "kb" / "articles"
    usergroup_refresh_seconds: float = DEFAULT_USERGROUP_REFRESH
    smtp_url: str | None = None  # BCAST-3: the relay subscribers' e-mail goes through
    smtp_from: str | None = None

    @property
    def mode(self) -> str:
        """`socket`, `http` or `sandbox`: how the bot meets Slack."""
        if self.bot_token is None:
            return "sandbox"
        return "socket" if self.app_token else "http"


def default_database_url(cwd: Path | None = None) -> str:
    """A SQLite file in the working directory: zero set-up for a first run."""
    return f"sqlite:///{(cwd or Path.cwd()) / 'casedesk.db'}"


def load_settings(env: Mapping[str, str] | None = None, *, command: str | None = None) -> Settings:
    """Read and check every setting; raise SettingsError naming the first bad one. `command` is
    the one `python -m bot` was asked to run: `socket` names what Socket Mode needs first."""
    env = os.environ if env is None else env
    bot_token = _optional(env, "SLACK_BOT_TOKEN")
    signing_secret = _optional(env, "SLACK_SIGNING_SECRET")
    app_token = _optional(env, "SLACK_APP_TOKEN")
    if command == "socket":
        _require_socket_tokens(bot_token, app_token)
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise SettingsError(
            "SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'. Copy the 'Bot User OAuth "
            "Token' from your app's OAuth & Permissions page, or unset it to run the sandbox."
        )
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' with the "
            "connections:write scope (Basic Information > App-Level Tokens). Unset it to run in "
            "HTTP mode."
        )
    if bot_token is None and (app_token or signing_secret):
        which = "SLACK_APP_TOKEN" if app_token else "SLACK_SIGNING_SECRET"
        raise SettingsError(
            f"{which} is set but SLACK_BOT_TOKEN is not. Set SLACK_BOT_TOKEN to the app's "
            f"'Bot User OAuth Token' (xoxb-...), or unset {which} to run the sandbox."
        )
    if bot_token is not None and app_token is None and signing_secret is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is required in HTTP mode (SLACK_BOT_TOKEN set, SLACK_APP_TOKEN "
            "not set): copy it from Basic Information > App Credentials, or set SLACK_APP_TOKEN "
            "to use Socket Mode."
        )
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=_api_url(env),
        database_url=_database_url(env),
        port=_port(env),
        config_dir=_config_dir(env),
        sweep_seconds=_sweep_seconds(env),
        ack_deadline_seconds=_ack_deadline_seconds(env),
        kb_url=_kb_url(env),
        kb_folder=_kb_folder(env),
        usergroup_refresh_seconds=_usergroup_refresh_seconds(env),
        smtp_url=_smtp_url(env),
        smtp_from=_smtp_from(env),
    )


def _require_socket_tokens(bot_token: str | None, app_token: str | None) -> None:
    """Socket Mode cannot fall back to HTTP: name each token it lacks and where to find it."""
    missing = []
    if app_token is None:
        missing.append(
            "SLACK_APP_TOKEN (the app-level token, xapp-..., with the connections:write scope: "
            "Basic Information > App-Level Tokens)"
        )
    if bot_token is None:
        missing.append("SLACK_BOT_TOKEN (xoxb-...: OAuth & Permissions > Bot User OAuth Token)")
    if missing:
        raise SettingsError(f"Socket Mode needs {' and '.join(missing)}.")


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _api_url(env: Mapping[str, str]) -> str:
    raw = _optional(env, "SLACK_API_URL")
    if raw is None:
        return DEFAULT_API_URL
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            f"SLACK_API_URL={raw!r} is not an http(s) URL. Use the Web API base, for example "
            f"{DEFAULT_API_URL} (GovSlack: https://slack-gov.com/api/), or unset it."
        )
    return raw if raw.endswith("/") else raw + "/"


def _database_url(env: Mapping[str, str]) -> str:
    raw = _optional(env, "DATABASE_URL")
    if raw is None:
        return default_database_url()
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            f"DATABASE_URL={raw!r} is not a database URL. Use sqlite:///path/to/casedesk.db or "
            "postgresql+psycopg://user:password@host:5432/casedesk, or unset it for a SQLite file."
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"DATABASE_URL uses {url.get_backend_name()!r}, which Casedesk does not support. Use "
            "sqlite:///... or postgresql+psycopg://..."
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        raise SettingsError(
            "DATABASE_URL for PostgreSQL must name the psycopg driver: postgresql+psycopg://... "
            "(install it with: pip install 'casedesk[postgres]')."
        )
    return raw


def _port(env: Mapping[str, str]) -> int:
    raw = _optional(env, "PORT")
    if raw is None:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(f"PORT={raw!r} is not a TCP port. Use a number from 1 to 65535.")
    return int(raw)


def _sweep_seconds(env: Mapping[str, str]) -> float:
    raw = _optional(env, "CASEDESK_SWEEP_SECONDS")
    if raw is None:
        return 5.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0.5 <= value <= 300:
        raise SettingsError(
            f"CASEDESK_SWEEP_SECONDS={raw!r} is not a sweep interval. Use a number of seconds "
            "from 0.5 to 300 (default 5), or unset it."
        )
    return value


def _usergroup_refresh_seconds(env: Mapping[str, str]) -> float:
    raw = _optional(env, "CASEDESK_USERGROUP_REFRESH_SECONDS")
    if raw is None:
        return DEFAULT_USERGROUP_REFRESH
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 30 <= value <= 86400:
        raise SettingsError(
            f"CASEDESK_USERGROUP_REFRESH_SECONDS={raw!r} is not a refresh interval. Use a number "
            "of seconds from 30 to 86400 (default 600), or unset it."
        )
    return value


def _smtp_url(env: Mapping[str, str]) -> str | None:
    """BCAST-3: smtp://user:password@relay:587 (STARTTLS when the relay offers it) or
    smtps://...:465 (TLS from the start)."""
    raw = _optional(env, "SMTP_URL")
    if raw is None:
        return None
    parsed = urlparse(raw)
    try:
        port = parsed.port
    except ValueError:
        port = -1
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname or port == -1:
        raise SettingsError(
            f"SMTP_URL={parsed._replace(netloc=parsed.hostname or '').geturl()!r} is not an "
            "SMTP relay URL. Use smtp://user:password@relay.example.org:587 (STARTTLS) or "
            "smtps://user:password@relay.example.org:465, or unset it to send no e-mail."
        )
    return raw


def _smtp_from(env: Mapping[str, str]) -> str | None:
    raw = _optional(env, "SMTP_FROM")
    if raw is None:
        return None
    _, address = parseaddr(raw)
    if "@" not in address:
        raise SettingsError(
            f"SMTP_FROM={raw!r} is not a sender address. Use one the relay accepts, e.g. "
            "'Northwind IT <it-status@northwind.example>', or unset it."
        )
    return raw


def _ack_deadline_seconds(env: Mapping[str, str]) -> float:
    raw = _optional(env, "CASEDESK_ACK_DEADLINE_SECONDS")
    if raw is None:
        return DEFAULT_ACK_DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 2.5:
        raise SettingsError(
            f"CASEDESK_ACK_DEADLINE_SECONDS={raw!r} is not an acknowledgement deadline. Use a "
            f"number of seconds from 0.1 to 2.5 (default {DEFAULT_ACK_DEADLINE}; Slack gives up "
            "at 3), or unset it."
        )
    return value


def _kb_url(env: Mapping[str, str]) -> str:
    raw = _optional(env, "CASEDESK_KB_URL")
    if raw is None:
        return f"http://localhost:{_port(env)}"
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            f"CASEDESK_KB_URL={raw!r} is not an http(s) URL. Use the public address where "
            "`python -m bot http` serves /kb/<id> (or your wiki's base), e.g. "
            "https://casedesk.example.org"
        )
    return raw.rstrip("/")


def _kb_folder(env: Mapping[str, str]) -> Path:
    raw = _optional(env, "CASEDESK_KB_FOLDER")
    if raw is None:
        return SHIPPED_CONFIG.parent / "kb" / "articles"
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise SettingsError(
            f"CASEDESK_KB_FOLDER={raw!r} is not a folder. Point it at a folder of Markdown "
            "articles (see docs/kb.md), or unset it for the shipped articles."
        )
    return path


def _config_dir(env: Mapping[str, str]) -> Path:
    raw = _optional(env, "CASEDESK_CONFIG")
    if raw is None:
        return SHIPPED_CONFIG
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise SettingsError(
            f"CASEDESK_CONFIG={raw!r} is not a folder. Point it at a folder holding the policy "
            f"YAML files (copy {SHIPPED_CONFIG} to start), or unset it for the shipped policy."
        )
    return path
