"""A small typed walker over parsed YAML that knows where it is.

Every read goes through a `Checker` holding the file and the key path, so a bad value produces
one message naming the file, the key, the value found and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import yaml

_DURATION = re.compile(r"^(\d+)\s*([mhd])$")
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_MISSING = object()


class PolicyError(ValueError):
    """The policy YAML is wrong; the message says where, what and how to fix it."""


class Checker:
    """One node of a YAML document, with its file and key path for error messages."""

    def __init__(self, value: Any, *, file: Path, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    @classmethod
    def load(cls, file: Path) -> Checker:
        try:
            with file.open(encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise PolicyError(f"{file}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise PolicyError(f"{file}: expected a mapping of keys at the top level")
        return cls(data, file=file)

    # -- errors -----------------------------------------------------------------------------
    def fail(self, problem: str, allowed: str) -> None:
        """Raise the one error format every policy mistake uses."""
        where = self.path or "(top level)"
        shown = "" if self.value is _MISSING else f" (found {self.value!r})"
        raise PolicyError(f"{self.file.name}: {where}: {problem}{shown}. Allowed: {allowed}.")

    # -- navigation ---------------------------------------------------------------------------
    def _child(self, key: str, value: Any) -> Checker:
        path = f"{self.path}.{key}" if self.path else key
        return Checker(value, file=self.file, path=path)

    def mapping(self) -> Checker:
        if not isinstance(self.value, dict):
            self.fail("expected a mapping of keys", "key: value pairs")
        return self

    def at(self, key: str) -> Checker:
        """A required key."""
        self.mapping()
        if key not in self.value:
            self._child(key, _MISSING).fail("missing", "see the shipped config/ for an example")
        return self._child(key, self.value[key])

    def optional(self, key: str) -> Checker:
        """An optional key; its Checker holds None when absent."""
        self.mapping()
        return self._child(key, self.value.get(key))

    def key_names(self) -> list[str]:
        self.mapping()
        return [str(k) for k in self.value]

    def items(
        self, *, allowed_keys: Sequence[str] | None = None, key_pattern: str | None = None
    ) -> Iterator[tuple[str, Checker]]:
        if self.value is None:
            return
        self.mapping()
        for key, value in self.value.items():
            child = self._child(str(key), value)
            if allowed_keys is not None and str(key) not in allowed_keys:
                child.value = key
                child.fail("unknown key", ", ".join(allowed_keys))
            if key_pattern is not None and not re.match(key_pattern, str(key)):
                child.value = key
                child.fail("badly formed key", "lower-case letters, digits, - and _")
            yield str(key), child

    def entries(self, *, non_empty: bool = False) -> list[Checker]:
        if not isinstance(self.value, list):
            self.fail("expected a list", "a YAML list, e.g. [a, b]")
        if non_empty and not self.value:
            self.fail("must not be empty", "at least one entry")
        return [self._child(str(i), v) for i, v in enumerate(self.value)]

    # -- scalars ------------------------------------------------------------------------------
    def text(self, key: str | None = None, *, max_length: int = 200) -> str:
        node = self.at(key) if key is not None else self
        if not isinstance(node.value, str) or not node.value.strip():
            node.fail("expected non-empty text", "a quoted or plain string")
        if len(node.value) > max_length:
            node.fail(f"longer than {max_length} characters", f"at most {max_length} characters")
        return str(node.value).strip()

    def whole(self, *, minimum: int | None = None, maximum: int | None = None) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            self.fail("expected a whole number", "e.g. 1001")
        if minimum is not None and self.value < minimum:
            self.fail(f"must be at least {minimum}", f"a whole number >= {minimum}")
        if maximum is not None and self.value > maximum:
            self.fail(f"must be at most {maximum}", f"a whole number <= {maximum}")
        return int(self.value)

    def flag(self, *, default: bool | None = None) -> bool:
        if self.value is None and default is not None:
            return default
        if not isinstance(self.value, bool):
            self.fail("expected true or false", "true, false")
        return bool(self.value)

    def one_of(self, allowed: Sequence[str]) -> str:
        if self.value not in allowed:
            self.fail("not a known value", ", ".join(allowed))
        return str(self.value)

    def optional_one_of(self, allowed: Sequence[str]) -> str | None:
        return None if self.value is None else self.one_of(allowed)

    def matching(self, pattern: str, described: str) -> str:
        if not isinstance(self.value, str) or not re.match(pattern, self.value):
            self.fail("badly formed", described)
        return str(self.value)

    def str_list(
        self,
        *,
        allowed: Sequence[str] | None = None,
        pattern: str | None = None,
        non_empty: bool = False,
        what: str = "a Slack user id like U0123ABC",
    ) -> list[str]:
        result = []
        for item in self.entries(non_empty=non_empty):
            if allowed is not None:
                result.append(item.one_of(allowed))
            elif pattern is not None:
                result.append(item.matching(pattern, what))
            else:
                result.append(item.text())
        return result

    def span(self) -> tuple[time, time]:
        """An opening span "08:00-18:00" (the end may be 24:00)."""
        match = _SPAN.match(self.value) if isinstance(self.value, str) else None
        if match is None:
            self.fail("not an opening span", 'two times "HH:MM-HH:MM", e.g. "08:00-18:00"')
        assert match is not None
        start, end = (int(g) for g in match.group(1, 2)), (int(g) for g in match.group(3, 4))
        sh, sm = start
        eh, em = end
        if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em) or (eh, em) <= (sh, sm):
            self.fail("not an opening span", "a start before the end, within 00:00-24:00")
        return time(sh, sm), time.max if eh == 24 else time(eh, em)

    def day(self) -> date:
        """A calendar date, written 2026-12-25."""
        if isinstance(self.value, date):
            return self.value
        try:
            return date.fromisoformat(str(self.value))
        except ValueError:
            self.fail("not a date", "YYYY-MM-DD, e.g. 2026-12-25")
            raise

    def duration(self) -> timedelta:
        match = _DURATION.match(str(self.value)) if isinstance(self.value, (str, int)) else None
        if match is None or int(match.group(1)) == 0:
            self.fail("not a duration", "a positive number with m, h or d, e.g. 30m, 4h, 2d")
        assert match is not None
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
