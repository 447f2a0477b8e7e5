"""Modal building blocks and reading a submitted modal's state back.

Each input's block_id is the field name it fills, and every element's action_id is "value", so
building and parsing cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    EmailInputElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
    UserSelectElement,
)

from bot.text import clip, printable
from bot.vocabulary import UNKNOWN, UNKNOWN_LABEL

VALUE = "value"
OPTION_TEXT_MAX = 75


def option(value: str, text: str) -> Option:
    return Option(value=value, text=clip(text, OPTION_TEXT_MAX))


def choices(pairs: Sequence[tuple[str, str]], *, with_unknown: bool = True) -> list[Option]:
    """Drop-down options, ending with "I don't know" (INTAKE-6)."""
    opts = [option(v, t) for v, t in pairs]
    if with_unknown:
        opts.append(option(UNKNOWN, UNKNOWN_LABEL))
    return opts


def select(
    block_id: str,
    label: str,
    options: list[Option],
    *,
    initial: str | None = None,
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> InputBlock:
    """A drop-down; `dispatch` makes a choice send a block action at once (to redraw)."""
    chosen = next((o for o in options if o.value == initial), None)
    element = StaticSelectElement(
        action_id=VALUE, placeholder="Choose…", options=options, initial_option=chosen
    )
    return InputBlock(
        block_id=block_id,
        label=label,
        element=element,
        optional=optional,
        hint=hint,
        dispatch_action=dispatch or None,
    )


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    multiline: bool = False,
    optional: bool = True,
    max_length: int = 3000,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=VALUE,
        multiline=multiline,
        max_length=max_length,
        initial_value=clip(initial, max_length) or None,
        placeholder=placeholder,
    )
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)


def email_input(block_id: str, label: str, *, initial: str = "") -> InputBlock:
    element = EmailInputElement(action_id=VALUE, initial_value=initial or None)
    return InputBlock(block_id=block_id, label=label, element=element, optional=True)


def user_input(block_id: str, label: str, *, initial: str, hint: str | None = None) -> InputBlock:
    element = UserSelectElement(
        action_id=VALUE, placeholder="Choose a person", initial_user=initial
    )
    return InputBlock(block_id=block_id, label=label, element=element, optional=False, hint=hint)


def radio(
    block_id: str, label: str, options: list[Option], *, initial: str | None = None
) -> InputBlock:
    chosen = next((o for o in options if o.value == initial), None)
    element = RadioButtonsElement(action_id=VALUE, options=options, initial_option=chosen)
    return InputBlock(block_id=block_id, label=label, element=element, optional=False)


FORM_LOST = (
    "This form no longer says which case it is for; close it and open it again from the case."
)


class FormLost(ValueError):
    """A submitted form's hidden case reference is missing or malformed."""


class SubmittedState:
    """The values of a submitted modal, read by block id; absent fields read as empty."""

    def __init__(self, view: Mapping[str, Any]) -> None:
        self._values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}
        raw = view.get("private_metadata") or "{}"
        try:
            meta = json.loads(raw)
        except ValueError:
            meta = {}
        self.metadata: dict[str, Any] = meta if isinstance(meta, dict) else {}

    def has(self, block_id: str) -> bool:
        return block_id in self._values

    def case_number(self) -> int:
        """The case the form was opened for; a form without one was altered or is stale."""
        number = self.metadata.get("case")
        if not isinstance(number, int) or isinstance(number, bool):
            raise FormLost(FORM_LOST)
        return number

    def text(self, block_id: str) -> str:
        element = self._element(block_id)
        value = element.get("value")
        return printable(value).strip() if isinstance(value, str) else ""

    def choice(self, block_id: str, *, default: str = "") -> str:
        selected = self._element(block_id).get("selected_option") or {}
        value = selected.get("value") if isinstance(selected, dict) else None
        return value if isinstance(value, str) and value else default

    def user(self, block_id: str) -> str:
        value = self._element(block_id).get("selected_user")
        return value if isinstance(value, str) else ""

    def _element(self, block_id: str) -> Mapping[str, Any]:
        block = self._values.get(block_id) or {}
        element = block.get(VALUE) if isinstance(block, dict) else None
        return element if isinstance(element, dict) else {}


def input_block_ids(view: Mapping[str, Any]) -> set[str]:
    """The block ids a `response_action: errors` may name for this modal."""
    return {
        str(block.get("block_id"))
        for block in view.get("blocks") or []
        if isinstance(block, dict) and block.get("type") == "input"
    }


def metadata(**values: Any) -> str:
    """private_metadata as compact JSON (Slack allows 3,000 characters)."""
    text = json.dumps(values, separators=(",", ":"))
    if len(text) > 3000:
        raise ValueError("private_metadata over Slack's 3,000 characters")
    return text
