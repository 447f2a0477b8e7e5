"""Block Kit checks still run after `bot.render.kit_checks` made finding them cheap: an
invalid block is refused exactly as slack_sdk refuses it, and valid ones serialise the same."""

from __future__ import annotations

import inspect

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models import blocks as kit
from slack_sdk.models.basic_objects import JsonObject

from bot.render import kit_checks
from bot.render.common import as_dicts, buttons, section


def _slack_sdk_checks(obj: JsonObject) -> set[str]:
    """The validators slack_sdk's own validate_json finds on an instance."""
    return {
        name
        for name in dir(obj)
        if not name.startswith("__")
        and callable(method := getattr(obj, name, None))
        and hasattr(method, "validator")
    }


def test_every_block_kit_class_gets_the_same_checks_slack_sdk_would_run() -> None:
    classes = [
        cls
        for _, cls in inspect.getmembers(kit, inspect.isclass)
        if issubclass(cls, JsonObject) and not inspect.isabstract(cls)
    ]
    assert len(classes) > 20
    compared = 0
    for cls in classes:
        try:
            instance = cls.__new__(cls)
        except TypeError:
            continue
        assert set(kit_checks._checks_of(cls)) == _slack_sdk_checks(instance), cls.__name__
        compared += 1
    assert compared > 20


@pytest.mark.parametrize(
    "invalid",
    [
        kit.SectionBlock(text=kit.MarkdownTextObject(text="x" * 3001)),
        kit.HeaderBlock(text="x" * 151),
        kit.ActionsBlock(
            elements=[kit.ButtonElement(text="b", action_id=f"a{i}") for i in range(26)]
        ),
        kit.ActionsBlock(elements=[kit.ButtonElement(text="x" * 76, action_id="a")]),
    ],
    ids=["section text", "header text", "too many buttons", "button label"],
)
def test_an_invalid_block_is_still_refused(invalid: kit.Block) -> None:
    with pytest.raises(SlackObjectFormationError):
        as_dicts([invalid])


def test_valid_blocks_serialise_as_slack_sdk_serialises_them() -> None:
    blocks = [section("*CASE-1001* · P3"), buttons("work", ("Take it", "case_take", "1001", None))]
    assert as_dicts(blocks) == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*CASE-1001* · P3"}},
        {
            "type": "actions",
            "block_id": "work",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Take it", "emoji": True},
                    "action_id": "case_take",
                    "value": "1001",
                }
            ],
        },
    ]
