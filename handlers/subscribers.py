"""`/case subscribers` (BCAST-3): the external subscribers and their last delivery; add an
e-mail address or a webhook for some services, remove one, resume a paused one."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.desk import Desk
from bot.desk.subscribers import SubscriberView
from bot.errors import UserFacingError
from bot.render.common import when
from bot.text import escape
from handlers.subcommands import Subcommand

USAGE = (
    "`/case subscribers` lists them; `/case subscribers add email name@example.org "
    "services=email,vpn`, `/case subscribers add webhook https://hooks.example.org/x`, "
    "`/case subscribers remove 3`, `/case subscribers resume 3`."
)
STATE_WORDS = {"active": "active", "pending": "waiting for confirmation", "paused": "paused"}


def _subscribers(
    desk: Desk, text: str, command: dict[str, Any], _client: WebClient
) -> dict[str, Any]:
    actor = str(command["user_id"])
    verb, _sep, rest = text.strip().partition(" ")
    rest = rest.strip()
    if verb in ("", "list"):
        return {"text": listing_text(desk.subscribers.listing(actor=actor))}
    if verb == "add":
        return {"text": _add(desk, actor, rest)}
    if verb == "remove" and rest:
        gone = desk.subscribers.remove(actor=actor, ref=rest)
        return {
            "text": f"Removed subscriber {gone.id} ({escape(gone.address)}): nothing more "
            "is sent there, and its waiting notices are dropped."
        }
    if verb == "resume" and rest:
        back = desk.subscribers.resume(actor=actor, ref=rest)
        return {
            "text": f"Subscriber {back.id} ({escape(back.address)}) is active again: it "
            "gets the next notice. The ones it missed while paused are not sent."
        }
    raise UserFacingError(f"I did not understand `{escape(text.strip())}`. {USAGE}")


def _add(desk: Desk, actor: str, rest: str) -> str:
    words = rest.split()
    services: list[str] = []
    for word in list(words):
        if word.startswith("services="):
            services = [s for s in word.removeprefix("services=").split(",") if s]
            words.remove(word)
    if len(words) != 2:
        raise UserFacingError(f"Give the kind and the address. {USAGE}")
    kind, address = words[0], words[1]
    if address.startswith("<") and address.endswith(">"):  # Slack links what it recognises:
        address = address[1:-1].split("|")[0]  # <https://x|x>, <mailto:a@b.org|a@b.org>
    if kind == "email":
        address = address.removeprefix("mailto:")
    added = desk.subscribers.add(actor=actor, kind=kind, address=address, services=services)
    view = added.subscriber
    following = ", ".join(view.services) if view.services else "every service"
    reply = f"Added subscriber {view.id}: {view.kind} {escape(view.address)} for {following}."
    if added.secret:
        reply += (
            f"\nIts signing secret, shown this once (give it to the receiver's owner): "
            f"`{added.secret}`\nEach post carries `X-Casedesk-Signature: sha256=<HMAC-SHA256 of "
            '"<X-Casedesk-Timestamp>:<body>" under this secret>`.'
        )
    return reply


def listing_text(views: list[SubscriberView]) -> str:
    if not views:
        return f"*External subscribers*: none yet. People subscribe on the status page; {USAGE}"
    return "\n".join(["*External subscribers*", *(_line(v) for v in views)])


def _line(view: SubscriberView) -> str:
    following = ", ".join(view.services) if view.services else "every service"
    state = STATE_WORDS.get(view.state, view.state)
    if view.state == "paused" and view.pause_reason:
        state += f" ({escape(view.pause_reason)})"
    if view.last_error and view.failing_since and view.state == "active":
        last = f"failing since {when(view.failing_since)}: {escape(view.last_error)}"
    elif view.last_delivered_at:
        last = f"last delivered {when(view.last_delivered_at)}"
    else:
        last = "nothing delivered yet"
    waiting = f" · {view.waiting} waiting" if view.waiting else ""
    source = {"config": "subscribers.yml", "page": "status page", "staff": "added by staff"}
    return (
        f"• *{view.id}* {view.kind} {escape(view.address)} — {following} · {state} · {last}"
        f"{waiting} · {source.get(view.source, view.source)}"
    )


SUBCOMMANDS = [
    Subcommand(
        name="subscribers",
        usage="[add email|webhook <address> services=a,b | remove <n> | resume <n>]",
        summary="who outside Slack gets major-incident notices (e-mail, webhooks), with each "
        "one's last delivery (managers and the command center change it)",
        run=_subscribers,
    ),
]
