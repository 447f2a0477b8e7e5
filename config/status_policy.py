"""status.yml (optional): BCAST-2's public status page: its title and public address, which
catalog services it lists, whether anyone may read it or only holders of a shared token, and
how long a resolved incident stays on it. The token itself is never in the file: the file names
the environment variable that holds it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from config.catalog_policy import ServiceRef
from config.policy_read import PolicyError
from config.policy_types import Duration, Section, Text, matching, problem

ENV_NAME = r"^[A-Z][A-Z0-9_]*$"
TOKEN_MIN = 16
LONGEST_KEPT = timedelta(days=90)


def _public_url(value: str) -> str:
    if not value.startswith(("https://", "http://")) or " " in value:
        raise problem("not a web address", "an http(s) URL, e.g. https://status.example.org/status")
    return value.rstrip("/")


def _one_each(services: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    for index, service in enumerate(services):
        if service in seen:
            raise problem("listed twice", "each service once", at=(index,), found=service)
        seen.add(service)
    return services


def _kept(value: timedelta) -> timedelta:
    if value > LONGEST_KEPT:
        raise problem("longer than 90 days", "a duration up to 90d, e.g. 7d")
    return value


class StatusPage(Section):
    """The page as readers outside Slack see it."""

    title: Text = "IT service status"
    url: Annotated[str, AfterValidator(_public_url)] = "http://localhost:3000/status"
    # `public`: anyone who can reach it; `token`: only with ?token=... or a Bearer header.
    access: Literal["public", "token"] = "public"
    token_env: Annotated[str, matching(ENV_NAME, "an environment variable name")] | None = None
    # The catalog services shown, in this order; absent: every supported service.
    services: Annotated[tuple[ServiceRef, ...], AfterValidator(_one_each)] | None = None
    resolved_for: Annotated[Duration, AfterValidator(_kept)] = Field(
        default=timedelta(days=7), description="how long a resolved incident stays listed"
    )

    @model_validator(mode="after")
    def _token_named(self) -> StatusPage:
        if self.access == "token" and self.token_env is None:
            raise problem(
                "missing for access: token",
                "the name of the environment variable holding the token, e.g. "
                "CASEDESK_STATUS_TOKEN",
                at=("token_env",),
            )
        return self

    def token(self, environ: Mapping[str, str] = os.environ) -> str | None:
        """The shared token for `access: token` (None for a public page), read from the
        variable the file names; checked at start so a page never opens by mistake."""
        if self.access == "public":
            return None
        name = self.token_env or ""
        value = environ.get(name, "").strip()
        if len(value) < TOKEN_MIN:
            found = "not set" if not value else f"{len(value)} characters"
            raise PolicyError(
                f"status.yml: token_env: the environment variable {name} is {found}. Allowed: "
                f"set {name} to a random secret of at least {TOKEN_MIN} characters (e.g. "
                "`openssl rand -hex 24`), or make the page `access: public`."
            )
        return value


class StatusFile(Section):
    page: StatusPage = Field(default_factory=StatusPage)
