"""Reading one policy file into its model, and the one error format every mistake uses:
`catalog.yml: services.vpn.groups.default: not a known value (found 'netops'). Allowed: ...`
(the file, the key path, what is wrong, the value found and what is allowed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from config.policy_types import ENTRY_KEY

M = TypeVar("M", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it
EXAMPLE = "see the shipped config/ for an example"
_TEXT = ("expected non-empty text", "a quoted or plain string")
_LIST = ("expected a list", "a YAML list, e.g. [a, b]")
_MAPPING = ("expected a mapping of keys", "key: value pairs")
_DATE = ("not a date", "YYYY-MM-DD, e.g. 2026-12-25")
# pydantic's own error types, in the words the policy's errors use: (problem, allowed)
_WORDS = {
    "missing": ("missing", EXAMPLE),
    "string_type": _TEXT,
    "string_too_short": _TEXT,
    "string_too_long": ("longer than {max_length} characters", "at most {max_length} characters"),
    "int_type": ("expected a whole number", "e.g. 1001"),
    "greater_than_equal": ("must be at least {ge}", "a whole number >= {ge}"),
    "less_than_equal": ("must be at most {le}", "a whole number <= {le}"),
    "bool_type": ("expected true or false", "true, false"),
    "dict_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "list_type": _LIST,
    "tuple_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "too_short": ("must not be empty", "at least one entry"),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
}


class PolicyError(ValueError):
    """The policy YAML is wrong; the message says where, what and how to fix it."""


def read_yaml(file: Path) -> dict[str, Any]:
    """A policy file's top-level mapping."""
    try:
        with file.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{file}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{file}: expected a mapping of keys at the top level")
    return data


def read_policy_file(model: type[M], file: Path, context: dict[str, Any]) -> M:
    """Read `file` into `model`; `context` carries what earlier files provide (see
    config.policy_types) and receives what this one provides."""
    try:
        return model.model_validate(read_yaml(file), context=context)
    except ValidationError as exc:
        raise PolicyError(describe(file.name, exc.errors()[0])) from None


def describe(file: str, error: ErrorDetails) -> str:
    """One pydantic error as the policy's one-line message."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    loc = [str(part) for part in error["loc"]]
    at_key = bool(loc) and loc[-1] == "[key]"
    path = ".".join([*(p for p in loc if p != "[key]"), *(str(p) for p in ctx.get("at", ()))])
    kind = error["type"]
    if at_key and kind == "string_type":  # `1:` where a name is expected
        problem, allowed = "a key that is not text", 'a name; quote a number: "1"'
    elif at_key:  # a key of a mapping: not one of the names it may have, or badly spelt
        problem = "badly formed key" if kind == "badly_formed" else "unknown key"
        allowed = str(ctx.get("allowed") or _expected(ctx))
    elif "allowed" in ctx:  # our own checks (config.policy_types.problem)
        problem, allowed = error["msg"], str(ctx["allowed"])
    elif kind == "literal_error":
        problem, allowed = "not a known value", _expected(ctx)
    else:
        words = _WORDS.get(kind, (error["msg"], EXAMPLE))
        problem, allowed = (w.format(**ctx) for w in words)
    shown = ""
    if "found" in ctx:
        shown = f" (found {ctx['found']!r})"
    elif kind != "missing" and not ctx.get("at"):
        shown = f" (found {_plain(error['input'])!r})"
    return f"{file}: {path or '(top level)'}: {problem}{shown}. Allowed: {allowed}."


def _expected(ctx: dict[str, Any]) -> str:
    """pydantic's "'a', 'b' or 'c'" as the policy's "a, b, c"."""
    return str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")


def _plain(value: Any) -> Any:
    """The value as written: without the key `keyed` gave an entry."""
    if isinstance(value, dict) and ENTRY_KEY in value:
        return {k: v for k, v in value.items() if k != ENTRY_KEY}
    return value
