"""views.*: modal stacks and home tabs, with Slack's trigger, hash and stack-depth rules.

A trigger_id works once, for TRIGGER_TTL seconds of the stand-in's clock; views.open replaces
any modal stack the user already has. A view with more than
100 blocks is refused as `invalid_arguments` (what Slack answers); `view_too_large` is kept for
payloads over 250 kB.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.standin_checks import Surface, parse_view
from bot.sandbox.standin_shapes import view_json
from bot.sandbox.standin_state import ApiError, Trigger, View
from bot.sandbox.standin_workspace import Args, Workspace

TRIGGER_TTL = 3.0
STACK_MAX = 3


def _trigger(ws: Workspace, args: Args) -> Trigger:
    """The trigger a call exchanges; checked here, marked used only once the call succeeds."""
    key = args.text("trigger_id") or args.text("interactivity_pointer")
    trigger = ws.triggers.get(key)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if ws.clock() - trigger.issued_at > TRIGGER_TTL:
        raise ApiError("expired_trigger_id")
    return trigger


def _check_external_id(ws: Workspace, payload: Mapping[str, Any], *, keep: str | None) -> None:
    external_id = payload.get("external_id")
    if external_id and any(v.external_id == external_id and v.id != keep for v in ws.all_views()):
        raise ApiError("duplicate_external_id")


def _new_hash(ws: Workspace) -> str:
    return f"{int(ws.clock())}.{secrets.token_hex(6)}"


def _new_view(ws: Workspace, payload: dict[str, Any], *, user: str, previous: View | None) -> View:
    view_id = ws.new_id("V")
    return View(
        id=view_id,
        hash=_new_hash(ws),
        view=payload,
        user=user,
        root_view_id=previous.root_view_id if previous is not None else view_id,
        previous_view_id=previous.id if previous is not None else None,
        external_id=payload.get("external_id") or None,
    )


def replace(ws: Workspace, view: View, payload: dict[str, Any]) -> None:
    """An update: same id, new payload and hash, field errors cleared."""
    view.view, view.hash, view.errors = payload, _new_hash(ws), None
    view.external_id = payload.get("external_id") or None


def push(ws: Workspace, user: str, payload: dict[str, Any]) -> View:
    stack = ws.view_stacks.get(user) or []
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= STACK_MAX:
        raise ApiError("push_limit_reached")
    view = _new_view(ws, payload, user=user, previous=stack[-1])
    stack.append(view)
    return view


def views_open(ws: Workspace, args: Args) -> dict[str, Any]:
    trigger = _trigger(ws, args)
    payload = parse_view(args.raw("view"), surface="modal")
    _check_external_id(ws, payload, keep=None)
    trigger.used = True
    view = _new_view(ws, payload, user=trigger.user, previous=None)
    ws.view_stacks[trigger.user] = [view]
    return {"view": view_json(ws, view)}


def views_push(ws: Workspace, args: Args) -> dict[str, Any]:
    trigger = _trigger(ws, args)
    payload = parse_view(args.raw("view"), surface="modal")
    _check_external_id(ws, payload, keep=None)
    view = push(ws, trigger.user, payload)
    trigger.used = True
    return {"view": view_json(ws, view)}


def views_update(ws: Workspace, args: Args) -> dict[str, Any]:
    view_id, external_id = args.optional("view_id"), args.optional("external_id")
    if view_id is None and external_id is None:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] either view_id or external_id is required"]},
        )
    target = next(
        (
            v
            for v in ws.all_views()
            if (view_id is not None and v.id == view_id)
            or (view_id is None and v.external_id == external_id)
        ),
        None,
    )
    if target is None:
        raise ApiError("not_found")
    if args.has("hash") and args.text("hash") != target.hash:
        raise ApiError("hash_conflict")
    surface: Surface = "home" if target.view.get("type") == "home" else "modal"
    payload = parse_view(args.raw("view"), surface=surface)
    _check_external_id(ws, payload, keep=target.id)
    replace(ws, target, payload)
    return {"view": view_json(ws, target)}


def views_publish(ws: Workspace, args: Args) -> dict[str, Any]:
    user = args.text("user_id")
    if user not in ws.users:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] invalid user_id [json-pointer:/user_id]"]},
        )
    payload = parse_view(args.raw("view"), surface="home")
    existing = ws.homes.get(user)
    if existing is not None and args.has("hash") and args.text("hash") != existing.hash:
        raise ApiError("hash_conflict")
    _check_external_id(ws, payload, keep=existing.id if existing is not None else None)
    if existing is None:
        existing = ws.homes[user] = _new_view(ws, payload, user=user, previous=None)
    else:
        replace(ws, existing, payload)
    return {"view": view_json(ws, existing)}


METHODS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
