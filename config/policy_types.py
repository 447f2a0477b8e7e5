"""The building blocks of the typed policy files: a model base that refuses unknown keys by
name, the field types every file shares (text, durations, Slack ids...), and references
between files, each checked where it is written so an error names the key that holds it.

References work through the validation context, one dict shared by every file of a load:
a field marked `Provides("groups")` records what it defines once it is valid, and a field
typed `Ref("groups")` must name one of those. Files are read in an order where a file only
refers to what earlier files (or earlier fields of its own) provide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import time, timedelta
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

KEY = r"^[a-z0-9][a-z0-9_-]*$"
USER_ID = r"^[UW][A-Z0-9]{2,}$"
# PERM-1: a role or a group's members may be user ids or Slack user groups (S…).
PERSON_OR_GROUP = r"^([UW]|S)[A-Z0-9]{2,}$"
CHANNEL_ID = r"^[CG][A-Z0-9]{2,}$"
ENTRY_KEY = "<key>"  # where `keyed` puts an entry's own key: no policy file spells a key so
_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def problem(
    message: str,
    allowed: str,
    *,
    kind: str = "policy",
    at: tuple[str | int, ...] = (),
    **found: Any,
) -> PydanticCustomError:
    """A policy mistake: what is wrong and what is allowed. `at` continues the key path below
    the value being checked (a model's own check naming one of its keys), and then `found=`
    gives the value shown for that key."""
    return PydanticCustomError(kind, message, {"allowed": allowed, "at": at, **found})


class Section(BaseModel):
    """One mapping of a policy file. Unknown keys are refused with the keys it knows, and an
    optional key left empty (`calendar:`) keeps its default, as if it were absent."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key_kind: ClassVar[str] = "key"  # "unknown role" reads better than "unknown key" in roles

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data  # pydantic says "expected a mapping"
        names = {_spelling(name, cls): name for name in cls.model_fields if name != "key"}
        given = (k for k in data if not (k == ENTRY_KEY and "key" in cls.model_fields))
        for key in given:
            if key not in names:
                allowed = ", ".join(names)
                raise problem(f"unknown {cls.key_kind}", allowed, at=(str(key),), found=key)
        optional = {s for s, name in names.items() if not cls.model_fields[name].is_required()}
        return {k: v for k, v in data.items() if not (v is None and k in optional)}


def _spelling(name: str, model: type[BaseModel]) -> str:
    alias = model.model_fields[name].alias
    return alias if isinstance(alias, str) else name


class Entry(Section):
    """An entry of a keyed mapping (a group under `groups:`), which knows its own key."""

    key: str = Field(validation_alias=ENTRY_KEY)


def keyed(data: Any) -> Any:
    """Give each entry of a mapping its key, so `groups.network` becomes a Group with key
    `network`."""
    if not isinstance(data, dict):
        return data
    return {k: {**v, ENTRY_KEY: k} if isinstance(v, dict) else v for k, v in data.items()}


Keyed = BeforeValidator(keyed)


def matching(pattern: str, described: str) -> AfterValidator:
    """Text that must match `pattern`; the error describes it in words."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise problem("badly formed", described, kind="badly_formed")
        return value

    return AfterValidator(check)


def one_of(*values: str) -> AfterValidator:
    """Text that must be one of `values` (a key of a mapping, or a value)."""

    def check(value: str) -> str:
        if value not in values:
            raise problem("not a known value", ", ".join(values), kind="unknown_ref")
        return value

    return AfterValidator(check)


def Provides(namespace: str) -> AfterValidator:
    """Record a valid value (a mapping's keys, a list's items) for later `Ref(namespace)`s."""

    def record(value: Any, info: ValidationInfo) -> Any:
        _context(info)[namespace] = value
        return value

    return AfterValidator(record)


def Ref(namespace: str) -> AfterValidator:
    """A name that must be one of what `Provides(namespace)` recorded (a group, a priority)."""

    def check(value: str, info: ValidationInfo) -> str:
        known = _known(info, namespace)
        if value not in known:
            raise problem("not a known value", ", ".join(known), kind="unknown_ref")
        return value

    return AfterValidator(check)


def complete(
    namespace: str, missing: Callable[[str], str], *, allowed: str = "", allowed_from: str = ""
) -> AfterValidator:
    """A mapping that must have an entry for each of what `namespace` provides (a row of the
    priority matrix per impact level); what is allowed is `allowed`, or what `allowed_from`
    provides."""

    def check(value: Mapping[str, Any], info: ValidationInfo) -> Mapping[str, Any]:
        for name in _known(info, namespace):
            if name not in value:
                told = allowed or ", ".join(_known(info, allowed_from))
                raise problem(missing(name), told)
        return value

    return AfterValidator(check)


def _context(info: ValidationInfo) -> dict[str, Any]:
    if not isinstance(info.context, dict):
        raise TypeError("policy models are validated with a context dict (config.policy_read)")
    return info.context


def _known(info: ValidationInfo, namespace: str) -> Collection[str]:
    known: Collection[str] = _context(info).get(namespace, ())
    return known


def provided(info: ValidationInfo, namespace: str) -> Any:
    """What an earlier file or field provided (the groups with their tiers, the desk's zone),
    for a check that needs more than the names."""
    return _context(info)[namespace]


def _duration(value: Any) -> Any:
    match = _DURATION.match(str(value)) if isinstance(value, (str, int)) else None
    if match is None or int(match.group(1)) == 0:
        raise problem("not a duration", "a positive number with m, h or d, e.g. 30m, 4h, 2d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _span(value: Any) -> tuple[time, time]:
    """An opening span "08:00-18:00" (the end may be 24:00)."""
    match = _SPAN.match(value) if isinstance(value, str) else None
    if match is None:
        raise problem("not an opening span", 'two times "HH:MM-HH:MM", e.g. "08:00-18:00"')
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em) or (eh, em) <= (sh, sm):
        raise problem("not an opening span", "a start before the end, within 00:00-24:00")
    return time(sh, sm), time.max if eh == 24 else time(eh, em)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=75)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Flag = Annotated[bool, Field(strict=True)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
Span = Annotated[tuple[time, time], BeforeValidator(_span)]
Key = Annotated[str, matching(KEY, "lower-case letters, digits, - and _")]
UserId = Annotated[str, matching(USER_ID, "a Slack user id like U0123ABC")]
PersonOrGroup = Annotated[
    str,
    matching(PERSON_OR_GROUP, "a Slack user id like U0123ABC or a user group id like S0123ABC"),
]
ChannelId = Annotated[str, matching(CHANNEL_ID, "a channel id like C0123ABC")]
Whole = Annotated[int, Field(strict=True)]  # never true/false or "3"; bounds with Field(ge=...)
