"""Shared by the coordination buttons (ROUTE-3, ROUTE-5): reading `<case>:<row>` button values,
opening a modal about a case with the refusal told to the clicker, the closing view."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.common import section
from handlers.replies import tell_error

log = logging.getLogger(__name__)


def pair(body: dict[str, Any], *, points_at: str = "a case") -> tuple[int, int]:
    """A button value `1042:7` (case number, row id); `1042` alone gives (1042, 0)."""
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    number, _, row = value.partition(":")
    if not number.isdigit() or (row and not row.isdigit()):
        raise UserFacingError(f"That button does not point at {points_at}; refresh and try again.")
    return int(number), int(row or 0)


def open_about(
    desk: Desk,
    body: dict[str, Any],
    client: WebClient,
    respond: Any,
    build: Callable[[int, int], View],
) -> None:
    """Open the modal `build` draws (through the desk's forms) for the button's case and row; a
    refusal is told to the clicker instead."""
    try:
        number, row = pair(body)
        view = build(number, row)
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except UserFacingError as exc:
        tell_error(body, client, respond, str(exc))
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        tell_error(body, client, respond, "The form could not open in time; click again.")


def done(title: str, text: str) -> View:
    return View(type="modal", title=title[:24], close="Done", blocks=[section(text)])
