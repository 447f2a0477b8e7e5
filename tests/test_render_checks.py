"""`bot.render.kit_checks` serialises Block Kit objects faster than slack_sdk, with the same
result: the same checks run (an invalid block is refused exactly as slack_sdk refuses it), and
every kind of block, element and view the desk draws serialises to what `to_dict()` gives. It does
so without patching slack_sdk: the desk's client serialises the views it is handed itself."""

from __future__ import annotations

import inspect

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models import blocks as kit
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.views import View

from bot.desk import Desk, Recorded
from bot.intake_fields import IntakeFields
from bot.render import cards, kit_checks
from bot.render.common import as_dicts, buttons, section
from bot.render.kit_client import KitClient
from bot.render.message import Message
from bot.sandbox.world import World


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


def _every_shape() -> list[JsonObject]:
    """Blocks and views with each feature a desk message uses: fields, buttons with confirms,
    selects with options and option groups, inputs, images, rich text with empty parts."""
    option = kit.Option(value="p1", label="P1 Critical", description="whole company down")
    confirm = kit.ConfirmObject(
        title="Sure?", text="It cannot be undone.", confirm="Yes", deny="No"
    )
    return [
        kit.SectionBlock(
            text=kit.MarkdownTextObject(text="*CASE-1001* · P3"),
            fields=[kit.MarkdownTextObject(text=f"*F{i}*\nvalue") for i in range(10)],
            accessory=kit.ButtonElement(text="Take it", action_id="take", value="1001"),
            block_id="summary",
        ),
        kit.ActionsBlock(
            block_id="work",
            elements=[
                kit.ButtonElement(text="Resolve", action_id="r", value="1", style="primary"),
                kit.ButtonElement(text="Close", action_id="c", value="1", confirm=confirm),
                kit.StaticSelectElement(
                    action_id="prio",
                    placeholder="Priority",
                    options=[option],
                    initial_option=option,
                ),
                kit.StaticSelectElement(
                    action_id="grouped",
                    option_groups=[kit.OptionGroup(label="Now", options=[option])],
                ),
            ],
        ),
        kit.ContextBlock(
            elements=[
                kit.MarkdownTextObject(text="Recorded"),
                kit.ImageElement(image_url="https://example.com/a.png", alt_text="a"),
            ]
        ),
        kit.HeaderBlock(text="Major incident"),
        kit.DividerBlock(),
        kit.InputBlock(
            label="What is wrong",
            block_id="summary",
            optional=True,
            element=kit.PlainTextInputElement(action_id="v", multiline=True, max_length=200),
        ),
        kit.InputBlock(label="Who", element=kit.UserSelectElement(action_id="who")),
        kit.RichTextBlock(
            elements=[
                kit.RichTextSectionElement(elements=[]),
                kit.RichTextSectionElement(elements=[kit.RichTextElementParts.Text(text="hi")]),
            ]
        ),
        View(
            type="modal",
            title="Resolve CASE-1001",
            submit="Resolve",
            close="Cancel",
            callback_id="resolve",
            private_metadata='{"case": 1001}',
            blocks=[kit.SectionBlock(text="plain section"), kit.DividerBlock()],
        ),
    ]


@pytest.mark.parametrize("shape", _every_shape(), ids=lambda s: type(s).__name__)
def test_serialise_gives_what_slack_sdk_gives(shape: JsonObject) -> None:
    assert kit_checks.serialise(shape) == shape.to_dict()


def test_a_real_queue_card_serialises_as_slack_sdk_serialises_it(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = desk.intake.record(
        IntakeFields(
            summary="Printer prints blank pages",
            requester_id="U0USER01",
            reporter_id="U0DESK01",
            contact_channel="slack_command",
            service="printers",
        )
    )
    assert isinstance(recorded, Recorded)

    def card() -> Message:
        return desk.forms.case_card(recorded.case.number, viewer="U0DESK01")  # staff: queue card

    ours = card()
    monkeypatch.setattr(cards, "as_dicts", lambda blocks: [b.to_dict() for b in blocks])
    assert ours.blocks == card().blocks and len(ours.blocks) >= 4


def _subclasses(cls: type) -> list[type]:
    found = cls.__subclasses__()
    return found + [deeper for sub in found for deeper in _subclasses(sub)]


def test_building_the_app_patches_nothing_in_slack_sdk(world: World) -> None:
    """The desk serialises its own objects; slack_sdk's methods stay slack_sdk's, so a
    slack_sdk upgrade cannot silently change what a patch relied on."""
    assert isinstance(world.runtime.app.client, KitClient)
    validate = JsonObject.validate_json
    assert (validate.__module__, validate.__qualname__) == (
        "slack_sdk.models.basic_objects",
        "JsonObject.validate_json",
    )
    classes = [JsonObject, *_subclasses(JsonObject)]
    assert len(classes) > 50
    for cls in classes:
        for name in ("validate_json", "to_dict", "get_non_null_attributes"):
            member = cls.__dict__.get(name)
            if member is not None:
                assert member.__module__.startswith("slack_sdk."), (cls.__name__, name)


def _modal(title: str = "New case") -> View:
    return View(
        type="modal",
        title=title,
        submit="Record",
        callback_id="intake",
        blocks=[
            kit.InputBlock(
                block_id="service",
                label="Service",
                element=kit.StaticSelectElement(
                    action_id="v",
                    options=[kit.Option(value=v, label=v.upper()) for v in ("vpn", "email")],
                ),
            ),
            kit.SectionBlock(text=kit.MarkdownTextObject(text="*Recorded* by <@U0DESK01>")),
        ],
    )


def test_the_desk_client_sends_views_as_slack_sdk_serialises_them_in_one_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = KitClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    sent: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(client, "api_call", lambda method, json: sent.append((method, json)))
    expected = _modal().to_dict()
    home = View(type="home", blocks=[kit.SectionBlock(text="Your cases")])

    walk = "slack_sdk's own walk, which serialises each level again"
    for generic in (View, kit.InputBlock, kit.StaticSelectElement, kit.SectionBlock):
        monkeypatch.setattr(generic, "get_non_null_attributes", lambda self: pytest.fail(walk))
    client.views_open(trigger_id="T1", view=_modal())
    client.views_push(trigger_id="T2", view=_modal())
    client.views_update(view_id="V1", hash="h1", view=_modal())
    client.views_publish(user_id="U0DESK01", view=home)
    client.views_open(trigger_id="T3", view={"type": "modal", "blocks": []})

    assert sent == [
        ("views.open", {"trigger_id": "T1", "view": expected}),
        ("views.push", {"trigger_id": "T2", "view": expected}),
        ("views.update", {"view": expected, "view_id": "V1", "hash": "h1"}),
        (
            "views.publish",
            {
                "user_id": "U0DESK01",
                "view": {
                    "type": "home",
                    "blocks": [
                        {"type": "section", "text": {"type": "mrkdwn", "text": "Your cases"}}
                    ],
                },
            },
        ),
        ("views.open", {"trigger_id": "T3", "view": {"type": "modal", "blocks": []}}),
    ]


def test_the_desk_client_refuses_an_invalid_view_before_sending_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = KitClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    sent: list[str] = []
    monkeypatch.setattr(client, "api_call", lambda method, json: sent.append(method))

    with pytest.raises(SlackObjectFormationError, match="title"):
        client.views_open(trigger_id="T1", view=_modal(title="x" * 25))
    assert sent == []
