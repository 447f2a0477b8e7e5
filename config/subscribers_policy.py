"""subscribers.yml (optional, BCAST-3): the fixed external subscribers (an e-mail address or a
webhook, the services they follow, a webhook's secret by environment variable), the self-service
page's limits and how deliveries are retried. The address checks here are the ones the page and
`/case subscribers` use too, so every way in refuses the same things in the same words."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from config.catalog_policy import ServiceRef
from config.policy_types import Duration, Entry, Flag, Key, Keyed, Section, Whole, problem

EMAIL_MAX = 254
URL_MAX = 500
SECRET_MIN = 16
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
EMAIL_EXAMPLE = "an address like name@example.org"
WEBHOOK_EXAMPLE = "an http(s) URL like https://hooks.example.org/casedesk"


def email_problem(address: str) -> str | None:
    """What is wrong with an e-mail address, in words; None when it is one."""
    if not address:
        return "it is empty"
    if len(address) > EMAIL_MAX:
        return f"it is longer than {EMAIL_MAX} characters"
    if any(c.isspace() for c in address) or any(c in address for c in '<>,;"()[]\\'):
        return "it holds spaces or characters an address cannot have"
    if address.count("@") != 1:
        return "it needs exactly one @"
    local, domain = address.split("@")
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return "the part before the @ is not a mailbox name"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return "the part after the @ is not a domain like example.org"
    if not labels[-1].isalpha() or len(labels[-1]) < 2:
        return "the domain does not end in a top-level domain like .org"
    return None


def webhook_problem(url: str) -> str | None:
    """What is wrong with a webhook URL, in words; None when the desk can POST to it."""
    if len(url) > URL_MAX:
        return f"it is longer than {URL_MAX} characters"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "it is not an http:// or https:// URL"
    if not parts.hostname:
        return "it names no host"
    if parts.username or parts.password:
        return "it carries a user name or password; the signature authenticates the desk"
    try:
        _ = parts.port
    except ValueError:
        return "its port is not a number from 1 to 65535"
    return None


def _email(value: str) -> str:
    found = email_problem(value)
    if found:
        raise problem(f"not an e-mail address: {found}", EMAIL_EXAMPLE)
    return value.lower()


def _webhook(value: str) -> str:
    found = webhook_problem(value)
    if found:
        raise problem(f"not a webhook URL: {found}", WEBHOOK_EXAMPLE)
    return value


EmailAddress = Annotated[str, AfterValidator(_email)]
WebhookUrl = Annotated[str, AfterValidator(_webhook)]


def _env_name(value: str) -> str:
    if not ENV_NAME.match(value):
        raise problem("badly formed", "an environment variable name like CASEDESK_HOOK_SECRET")
    secret = os.environ.get(value, "")
    if len(secret.strip()) < SECRET_MIN:
        raise problem(
            "not set in the environment" if not secret else "set, but shorter than 16 characters",
            f"the name of an environment variable holding the webhook's secret (at least "
            f"{SECRET_MIN} characters, e.g. from `openssl rand -hex 32`)",
        )
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class FixedSubscriber(Entry):
    """BCAST-3: one subscriber the desk keeps in its policy: an e-mail address or a webhook,
    and the services it follows (none listed: every service)."""

    email: EmailAddress | None = None
    webhook: WebhookUrl | None = None
    secret_env: EnvName | None = None
    services: tuple[ServiceRef, ...] = ()

    @model_validator(mode="after")
    def _one_way(self) -> FixedSubscriber:
        if (self.email is None) == (self.webhook is None):
            raise problem("needs either `email:` or `webhook:`", "one of email, webhook")
        if self.webhook is not None and self.secret_env is None:
            raise problem(
                "a webhook needs `secret_env:`",
                "the name of the environment variable holding the secret that signs its posts",
                at=("secret_env",),
                found=None,
            )
        if self.email is not None and self.secret_env is not None:
            raise problem(
                "only a webhook has a secret",
                "leave secret_env out for an e-mail subscriber",
                at=("secret_env",),
                found=self.secret_env,
            )
        return self

    @property
    def secret(self) -> str | None:
        return os.environ.get(self.secret_env, "").strip() if self.secret_env else None


class SelfService(Section):
    """The status page's "Get updates" form: double opt-in, limited per address and client."""

    enabled: Flag = True
    per_address_per_hour: Whole = Field(default=3, ge=1, le=100)
    per_client_per_hour: Whole = Field(default=10, ge=1, le=1000)
    confirm_within: Duration = timedelta(hours=48)


class Delivery(Section):
    """How hard the desk tries: a webhook's timeout, the longest wait between attempts, and how
    long a subscriber may keep failing before it is paused and management is told."""

    webhook_timeout_seconds: Annotated[float, Field(ge=0.1, le=60)] = 10.0
    longest_retry_wait: Duration = timedelta(minutes=15)
    pause_after: Duration = timedelta(hours=24)


class SubscribersFile(Section):
    subscribers: Annotated[dict[Key, FixedSubscriber], Keyed] = Field(default_factory=dict)
    self_service: SelfService = Field(default_factory=SelfService)
    delivery: Delivery = Field(default_factory=Delivery)
