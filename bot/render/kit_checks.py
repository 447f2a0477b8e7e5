"""slack_sdk checks each Block Kit object (lengths, counts, required fields) as it serialises
it, and finds those checks by calling dir() and getattr() on every attribute of every object,
every time: about two thirds of the CPU a message costs to render, on every answer. The same
checks are found once per class here and then run exactly as before; an invalid block still
raises SlackObjectFormationError.
"""

from __future__ import annotations

from slack_sdk.models.basic_objects import JsonObject

_CHECKS: dict[type, tuple[str, ...]] = {}


def _checks_of(cls: type) -> tuple[str, ...]:
    """The names of a class's validator methods (slack_sdk's @JsonValidator marks them)."""
    found = _CHECKS.get(cls)
    if found is None:
        found = tuple(
            name
            for name in dir(cls)
            if not name.startswith("__")
            and callable(member := getattr(cls, name, None))
            and hasattr(member, "validator")
        )
        _CHECKS[cls] = found
    return found


def validate_json(self: JsonObject) -> None:
    for name in _checks_of(type(self)):
        getattr(self, name)()


def install() -> None:
    """Use the per-class lookup for every Block Kit object in this process."""
    JsonObject.validate_json = validate_json  # type: ignore[method-assign]
