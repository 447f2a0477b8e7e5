"""What Slack refuses in names, Block Kit and views, so a bot that passes here passes in Slack.

Limits follow Slack's Block Kit reference. Problems are `(what, json-pointer)` pairs, worded like
Slack's `[ERROR] ... [json-pointer:/blocks/0/text]` messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Literal

from bot.sandbox.standin_state import ApiError

Surface = Literal["message", "modal", "home"]
Problem = tuple[str, str]

NAME_MAX = 80
_NAME_OK = re.compile(r"^[a-z0-9_-]+$")
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
VIEW_BYTES_MAX = 250_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}$")

BLOCK_TYPES = {
    "section", "divider", "header", "context", "actions", "input", "image", "rich_text", "markdown",
}  # fmt: skip
_SELECTS = {
    "static_select", "external_select", "users_select", "conversations_select", "channels_select",
}  # fmt: skip
_MULTI_SELECTS = {"multi_" + name for name in _SELECTS}
_PICKERS = {"datepicker", "timepicker", "datetimepicker", "checkboxes", "radio_buttons"}
ACTION_ELEMENTS = {"button", "overflow", *_SELECTS, *_MULTI_SELECTS, *_PICKERS}
SECTION_ACCESSORIES = ACTION_ELEMENTS | {"image"}
INPUT_ELEMENTS = {
    *_SELECTS, *_MULTI_SELECTS, *_PICKERS, "plain_text_input", "email_text_input",
    "url_text_input", "number_input", "rich_text_input", "file_input",
}  # fmt: skip


def channel_name_error(name: str) -> str | None:
    """The error code Slack gives for a bad channel name, or None when the name is acceptable."""
    if not name:
        return "invalid_name_required"
    if len(name) > NAME_MAX:
        return "invalid_name_maxlength"
    if not _NAME_OK.match(name):
        return "invalid_name_specials"
    return None


def decode_json_arg(value: Any, *, error: str) -> Any:
    """Form bodies carry blocks and views as JSON strings; JSON bodies carry them as-is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ApiError(error) from exc
    return value


def message_blocks(value: Any) -> list[dict[str, Any]]:
    """Blocks for a message, or ApiError invalid_blocks(_format) listing what Slack would reject."""
    if value is None or value == "":
        return []
    blocks = decode_json_arg(value, error="invalid_blocks_format")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise ApiError("invalid_blocks_format")
    problems = list(check_blocks(blocks, surface="message", pointer="/blocks"))
    if problems:
        raise ApiError(
            "invalid_blocks",
            errors=[f"{what} [json-pointer:{where}]" for what, where in problems],
            response_metadata={"messages": _messages(problems)},
        )
    return blocks


def parse_view(value: Any, *, surface: Surface) -> dict[str, Any]:
    """A view for views.*, or ApiError: invalid_arguments with Slack-style messages."""
    view = decode_json_arg(value, error="invalid_arguments")
    if not isinstance(view, dict):
        raise _invalid([("failed to match all allowed schemas", "/view")])
    if len(json.dumps(view)) > VIEW_BYTES_MAX:
        raise ApiError("view_too_large")
    problems = list(check_view(view, surface=surface))
    if problems:
        raise _invalid(problems)
    return view


def _invalid(problems: list[Problem]) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": _messages(problems)})


def _messages(problems: Iterable[Problem]) -> list[str]:
    return [f"[ERROR] {what} [json-pointer:{where}]" for what, where in problems]


def check_view(view: dict[str, Any], *, surface: Surface) -> Iterable[Problem]:
    """Problems with a modal or home tab payload, including its blocks."""
    if view.get("type") != surface:
        yield f"must be `{surface}`", "/view/type"
    if surface == "modal":
        yield from _text(view.get("title"), "/view/title", limit=24, plain=True)
    for key in ("submit", "close"):
        if surface == "modal" and key in view:
            yield from _text(view[key], f"/view/{key}", limit=24, plain=True)
    for key, limit in (("callback_id", 255), ("private_metadata", 3000), ("external_id", 255)):
        yield from _length(view.get(key), f"/view/{key}", limit)
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        yield "must be an array of blocks", "/view/blocks"
        return
    if len(blocks) > VIEW_BLOCKS_MAX:
        yield f"no more than {VIEW_BLOCKS_MAX} items allowed", "/view/blocks"
    has_input = any(b.get("type") == "input" for b in blocks)
    if surface == "modal" and has_input and "submit" not in view:
        yield "must provide a submit property when using input blocks", "/view"
    yield from check_blocks(blocks, surface=surface, pointer="/view/blocks")


def check_blocks(
    blocks: list[dict[str, Any]], *, surface: Surface, pointer: str
) -> Iterable[Problem]:
    """Problems with a list of blocks on a message, modal or home tab."""
    if surface == "message" and len(blocks) > MESSAGE_BLOCKS_MAX:
        yield f"no more than {MESSAGE_BLOCKS_MAX} items allowed", pointer
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        block_id = block.get("block_id")
        if block_id is not None:
            yield from _length(block_id, f"{where}/block_id", 255)
            if block_id in seen:
                yield f"duplicate block_id `{block_id}`", f"{where}/block_id"
            seen.add(str(block_id))
        yield from _block(block, where, surface)


def _block(block: dict[str, Any], where: str, surface: Surface) -> Iterable[Problem]:
    kind = block.get("type")
    if kind not in BLOCK_TYPES or (kind == "markdown" and surface != "message"):
        yield f"unsupported block type `{kind}`", f"{where}/type"
    elif kind == "section":
        yield from _section(block, where)
    elif kind == "header":
        yield from _text(block.get("text"), f"{where}/text", limit=150, plain=True)
    elif kind == "context":
        yield from _context(block, where)
    elif kind == "actions":
        yield from _actions(block, where)
    elif kind == "input":
        yield from _input(block, where)
    elif kind == "image":
        yield from _image(block, where)
    elif kind == "rich_text" and not isinstance(block.get("elements"), list):
        yield "must be an array", f"{where}/elements"
    elif kind == "markdown":
        yield from _text_value(block.get("text"), f"{where}/text", 12000)


def _section(block: dict[str, Any], where: str) -> Iterable[Problem]:
    fields = block.get("fields")
    if "text" not in block and not fields:
        yield "must provide text or fields", where
    if "text" in block:
        yield from _text(block["text"], f"{where}/text", limit=3000)
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > 10:
            yield "must be an array of no more than 10 items", f"{where}/fields"
        else:
            for i, item in enumerate(fields):
                yield from _text(item, f"{where}/fields/{i}", limit=2000)
    if "accessory" in block:
        yield from _element(block["accessory"], f"{where}/accessory", SECTION_ACCESSORIES)


def _context(block: dict[str, Any], where: str) -> Iterable[Problem]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
        yield "must be an array of 1 to 10 items", f"{where}/elements"
        return
    for i, item in enumerate(elements):
        if isinstance(item, dict) and item.get("type") == "image":
            yield from _image(item, f"{where}/elements/{i}")
        else:
            yield from _text(item, f"{where}/elements/{i}", limit=3000)


def _actions(block: dict[str, Any], where: str) -> Iterable[Problem]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        yield "must be an array of 1 to 25 items", f"{where}/elements"
        return
    seen: set[str] = set()
    for i, item in enumerate(elements):
        yield from _element(item, f"{where}/elements/{i}", ACTION_ELEMENTS)
        action_id = item.get("action_id") if isinstance(item, dict) else None
        if action_id is not None:
            if action_id in seen:
                yield f"duplicate action_id `{action_id}`", f"{where}/elements/{i}/action_id"
            seen.add(str(action_id))


def _input(block: dict[str, Any], where: str) -> Iterable[Problem]:
    yield from _text(block.get("label"), f"{where}/label", limit=2000, plain=True)
    if "hint" in block:
        yield from _text(block["hint"], f"{where}/hint", limit=2000, plain=True)
    if "element" not in block:
        yield "must provide an element", f"{where}/element"
    else:
        yield from _element(block["element"], f"{where}/element", INPUT_ELEMENTS)


def _image(block: dict[str, Any], where: str) -> Iterable[Problem]:
    if not block.get("image_url") and not block.get("slack_file"):
        yield "must provide image_url or slack_file", where
    yield from _text_value(block.get("alt_text"), f"{where}/alt_text", 2000)
    if "title" in block:
        yield from _text(block["title"], f"{where}/title", limit=2000, plain=True)


def _element(element: Any, where: str, allowed: set[str]) -> Iterable[Problem]:
    if not isinstance(element, dict):
        yield "must be an object", where
        return
    kind = element.get("type")
    if kind not in allowed:
        yield f"unsupported element type `{kind}` here", f"{where}/type"
        return
    if "action_id" in element:
        yield from _length(element["action_id"], f"{where}/action_id", 255)
    if "placeholder" in element:
        yield from _text(element["placeholder"], f"{where}/placeholder", limit=150, plain=True)
    if kind == "button":
        yield from _button(element, where)
    elif kind == "image":
        yield from _image(element, where)
    elif kind in ("static_select", "multi_static_select"):
        yield from _static_select(element, where)
    elif kind == "overflow":
        yield from _options(element.get("options"), f"{where}/options", most=5)
    elif kind in ("checkboxes", "radio_buttons"):
        yield from _options(element.get("options"), f"{where}/options", most=10, plain=False)
        yield from _initial(element, where, _all_options(element))
    elif kind == "plain_text_input":
        yield from _plain_text_input(element, where)
    elif kind in ("datepicker", "timepicker"):
        yield from _picker(element, where)


def _picker(element: dict[str, Any], where: str) -> Iterable[Problem]:
    if element.get("type") == "datepicker":
        key, pattern, shape = "initial_date", _DATE, "YYYY-MM-DD"
    else:
        key, pattern, shape = "initial_time", _TIME, "HH:mm"
    if key in element and not pattern.match(str(element[key])):
        yield f"must be {shape}", f"{where}/{key}"


def _button(element: dict[str, Any], where: str) -> Iterable[Problem]:
    yield from _text(element.get("text"), f"{where}/text", limit=75, plain=True)
    yield from _length(element.get("value"), f"{where}/value", 2000)
    yield from _length(element.get("url"), f"{where}/url", 3000)
    if element.get("style") not in (None, "primary", "danger"):
        yield "must be `primary` or `danger`", f"{where}/style"


def _static_select(element: dict[str, Any], where: str) -> Iterable[Problem]:
    options, groups = element.get("options"), element.get("option_groups")
    if (options is None) == (groups is None):
        yield "must provide exactly one of options or option_groups", where
        return
    if options is not None:
        yield from _options(options, f"{where}/options", most=100)
    elif not isinstance(groups, list) or not 1 <= len(groups) <= 100:
        yield "must be an array of 1 to 100 items", f"{where}/option_groups"
        return
    else:
        for i, group in enumerate(groups):
            gwhere = f"{where}/option_groups/{i}"
            if not isinstance(group, dict):
                yield "must be an object", gwhere
                continue
            yield from _text(group.get("label"), f"{gwhere}/label", limit=75, plain=True)
            yield from _options(group.get("options"), f"{gwhere}/options", most=100)
    yield from _initial(element, where, _all_options(element))


def _plain_text_input(element: dict[str, Any], where: str) -> Iterable[Problem]:
    most = element.get("max_length", 3000)
    least = element.get("min_length", 0)
    if not isinstance(most, int) or not 1 <= most <= 3000:
        yield "must be between 1 and 3000", f"{where}/max_length"
    elif not isinstance(least, int) or not 0 <= least <= most:
        yield "must be between 0 and max_length", f"{where}/min_length"
    yield from _length(element.get("initial_value"), f"{where}/initial_value", 3000)


def _options(options: Any, where: str, *, most: int, plain: bool = True) -> Iterable[Problem]:
    if not isinstance(options, list) or not 1 <= len(options) <= most:
        yield f"must be an array of 1 to {most} items", where
        return
    for i, option in enumerate(options):
        owhere = f"{where}/{i}"
        if not isinstance(option, dict):
            yield "must be an object", owhere
            continue
        yield from _text(option.get("text"), f"{owhere}/text", limit=75, plain=plain)
        yield from _length(option.get("value"), f"{owhere}/value", 150)
        if "description" in option:
            yield from _text(option["description"], f"{owhere}/description", limit=75, plain=plain)


def _all_options(element: dict[str, Any]) -> list[Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        if isinstance(group, dict):
            options += list(group.get("options") or [])
    return options


def _initial(element: dict[str, Any], where: str, options: list[Any]) -> Iterable[Problem]:
    """Slack refuses an initial option that is not one of the element's options."""
    chosen: list[Any] = []
    if "initial_option" in element:
        chosen.append(element["initial_option"])
    chosen += list(element.get("initial_options") or [])
    values = {o.get("value") for o in options if isinstance(o, dict)}
    for option in chosen:
        if not isinstance(option, dict) or option.get("value") not in values:
            yield "must match one of the provided options", f"{where}/initial_option"


def _text(obj: Any, where: str, *, limit: int, plain: bool = False) -> Iterable[Problem]:
    if obj is None:
        yield "must provide a text object", where
        return
    if not isinstance(obj, dict):
        yield "must be a text object", where
        return
    kind = obj.get("type")
    if kind not in (("plain_text",) if plain else ("plain_text", "mrkdwn")):
        wanted = "`plain_text`" if plain else "`plain_text` or `mrkdwn`"
        yield f"must be {wanted}", f"{where}/type"
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        yield "must be a non-empty string", f"{where}/text"
    elif len(text) > limit:
        yield f"must be less than {limit + 1} characters", f"{where}/text"


def _text_value(value: Any, where: str, limit: int) -> Iterable[Problem]:
    if not isinstance(value, str) or not value:
        yield "must be a non-empty string", where
    elif len(value) > limit:
        yield f"must be less than {limit + 1} characters", where


def _length(value: Any, where: str, limit: int) -> Iterable[Problem]:
    if value is not None and len(str(value)) > limit:
        yield f"must be less than {limit + 1} characters", where
