"""One case shown to one person (`/case show`, "Show the case"): staff get the queue card with
its buttons, the requester their own card in plain words (PERM-2), anyone else a refusal that
does not say whose case it is."""

from __future__ import annotations

from typing import Any

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.cards import queue_card
from bot.render.message import Message, RenderContext
from bot.render.requester_card import requester_card
from store.models import Case


def case_card(desk: Desk, number: int, viewer: str) -> dict[str, Any]:
    def card(case: Case) -> Message:  # checked and drawn from one read of the case
        ctx = RenderContext(case=case, policy=desk.policy, params={}, now=desk.clock.now())
        if desk.policy.is_staff(viewer):
            return queue_card(ctx)
        if viewer != case.requester_id:
            raise UserFacingError(f"You can see only your own cases; {case.ref} is not yours.")
        return requester_card(ctx)

    message = desk.read(number, card)
    return {"text": message.text, "blocks": message.blocks}
