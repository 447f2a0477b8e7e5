"""One case shown to one person (`/case show`, "Show the case"): staff get the queue card with
its buttons, the requester their own card in plain words (PERM-2), anyone else a refusal that
does not say whose case it is."""

from __future__ import annotations

from typing import Any

from bot.desk import Desk


def case_card(desk: Desk, number: int, viewer: str) -> dict[str, Any]:
    message = desk.forms.case_card(number, viewer=viewer)  # checked and drawn in one read
    return {"text": message.text, "blocks": message.blocks}
