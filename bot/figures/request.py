"""The words after `/case figures`: a period and `group=`, `service=`, `priority=` filters,
each checked against the policy and the reader's scope, with an answer that names what is
allowed when a word is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import UserFacingError
from bot.figures.model import Filters
from bot.figures.period import DEFAULT, Period, parse_period
from bot.figures.scope import Scope
from config.policy import Policy

KEYS = ("group", "service", "priority")


@dataclass(frozen=True, kw_only=True)
class FiguresRequest:
    period: Period
    filters: Filters


def parse_request(text: str, *, policy: Policy, scope: Scope, now: datetime) -> FiguresRequest:
    """`[period] [group=…] [service=…] [priority=…]` in any order; UserFacingError otherwise."""
    periods: list[str] = []
    given: dict[str, str] = {}
    for word in text.split():
        key, eq, value = word.partition("=")
        if not eq:
            periods.append(word)
            continue
        key = key.lower()
        if key not in KEYS:
            raise UserFacingError(
                f"I don't know the filter `{key[:30]}=`. Filters are `group=`, `service=` and "
                "`priority=`, e.g. `/case figures 30d group=network priority=P2`."
            )
        if key in given:
            raise UserFacingError(f"`{key}=` is given twice; give it once.")
        given[key] = value.strip()
    if len(periods) > 1:
        raise UserFacingError(
            f"Give one period, not {len(periods)} (`{'`, `'.join(p[:30] for p in periods)}`)."
        )
    zone = policy.calendars[policy.default_calendar].timezone
    period = parse_period(periods[0] if periods else DEFAULT, now=now, zone=zone)
    return FiguresRequest(
        period=period,
        filters=Filters(
            group=_group(policy, scope, given["group"]) if "group" in given else None,
            service=_service(policy, given["service"]) if "service" in given else None,
            priority=_priority(policy, given["priority"]) if "priority" in given else None,
        ),
    )


def _group(policy: Policy, scope: Scope, value: str) -> str:
    readable = [k for k in policy.groups if scope.covers(k)]
    key = _match(value, {k: g.name for k, g in policy.groups.items()})
    if key is None:
        raise UserFacingError(f"There is no group `{value[:40]}`. Groups: {_listed(readable)}.")
    if not scope.covers(key):
        raise UserFacingError(
            f"You can read the figures of your own groups only ({_listed(readable)}); "
            f"{policy.groups[key].name} is not one of them."
        )
    return key


def _service(policy: Policy, value: str) -> str:
    key = _match(value, {k: s.name for k, s in policy.services.items()})
    if key is None:
        raise UserFacingError(
            f"There is no service `{value[:40]}` in the catalog. Services: "
            f"{_listed(list(policy.services))}."
        )
    return key


def _priority(policy: Policy, value: str) -> str:
    key = _match(value, {k: k for k in policy.priorities})
    if key is None:
        raise UserFacingError(
            f"There is no priority `{value[:20]}`. Priorities: {_listed(list(policy.priorities))}."
        )
    return key


def _match(value: str, names: dict[str, str]) -> str | None:
    """A key as written, or a key or name in any letter case."""
    wanted = value.strip().lower()
    return next((k for k, name in names.items() if wanted in (k.lower(), name.lower())), None)


def _listed(keys: list[str]) -> str:
    return ", ".join(f"`{k}`" for k in keys) or "none"
