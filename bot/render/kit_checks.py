"""Serialising the desk's own Block Kit objects the way slack_sdk does, at a fraction of its CPU,
without patching slack_sdk.

slack_sdk checks each object (lengths, counts, required fields) as it serialises it, looking the
checks up on every object, and then serialises each nested object and walks the result once more
for every level above it. A card cost about a millisecond. `serialise` finds the checks once per
class, runs every one of them on every object (an invalid block still raises
SlackObjectFormationError) and walks the tree once, giving what `to_dict()` gives. A class with a
`to_dict` of its own (Option, ConfirmObject, ...) keeps it, with slack_sdk's own checks.

Nothing in slack_sdk is replaced: the desk calls `serialise` on what it builds (`as_dicts` for
messages, `kit_client.KitClient` and the acknowledgement for modals and Homes). The tests in
`tests/test_render_checks.py` hold it to slack_sdk's results and refusals, release by release.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject

_CHECKS: dict[type, tuple[str, ...]] = {}
_EMPTY_ALLOWED = {(e["type"], e["property"]) for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST}


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


def _check(obj: JsonObject) -> None:
    """Run every check of the object's class, as `validate_json` would."""
    for name in _checks_of(type(obj)):
        getattr(obj, name)()


def serialise(obj: JsonObject) -> dict[str, Any]:
    """`obj.to_dict()`, walking the tree once."""
    if type(obj).to_dict is not JsonObject.to_dict:
        return dict(obj.to_dict())  # a class that serialises itself (Option, ConfirmObject, ...)
    _check(obj)
    kind = getattr(obj, "type", None)
    result: dict[str, Any] = {}
    for key in sorted(obj.attributes):
        value = obj.get_object_attribute(key)
        if value is None:
            continue
        if (kind, key) not in _EMPTY_ALLOWED and hasattr(value, "__len__") and len(value) == 0:
            continue
        result[key] = _plain(value)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, JsonObject):
        return serialise(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return {k: _plain(v) for k, v in to_dict().items()}
    return value


def as_plain(value: Any) -> Any:
    """A Block Kit object (a modal, a Home) serialised; anything else (a dict) as it is."""
    return serialise(value) if isinstance(value, JsonObject) else value
