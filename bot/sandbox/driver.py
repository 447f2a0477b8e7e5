"""Acting as a person in the sandbox: run slash commands, press buttons by their label, fill and
submit modals, use the message shortcut. Each step is a signed request into the real Bolt app,
built the way Slack builds it, followed by delivery of the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest

from bot.sandbox.world import World

APP_ID = "A0CASEDESK"
# Wait this long for rate-limited deliveries, so each step shows its messages complete.
SETTLE_SECONDS = 5.0


class SandboxError(ValueError):
    """The person asked for something the screen does not offer (no such button, no modal)."""


@dataclass
class Found:
    """A button somewhere a person can see it."""

    element: dict[str, Any]
    block_id: str
    where: str  # "message", "ephemeral", "view"
    channel: str | None = None
    ts: str | None = None
    view: dict[str, Any] | None = None


@dataclass
class Driver:
    world: World
    user: str
    channel: str = "C0ITHELP"
    fills: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_event: tuple[dict[str, Any], str] | None = None  # the event and id last sent
    settle_after: bool = True  # deliver and sweep after each request, as a running bot would

    # -- who and where ------------------------------------------------------------------------
    def act_as(self, who: str) -> str:
        self.user = self.resolve_user(who)
        return self.user

    def resolve_user(self, who: str) -> str:
        wanted = who.lstrip("@").lower()
        for person in self.world.standin.users():
            if wanted in (person.id.lower(), person.name.lower(), person.real_name.lower()):
                return person.id
        raise SandboxError(f"no one called {who!r} here; `people` lists everyone")

    def resolve_channel(self, name: str) -> str:
        found = self.world.standin.channel_by_name(name.lstrip("#"))
        if found is None:
            try:
                return self.world.standin.channel(name).id
            except KeyError:
                raise SandboxError(f"no channel {name!r}; `channels` lists them") from None
        return found.id

    # -- slash commands -----------------------------------------------------------------------
    def command(self, line: str) -> dict[str, Any] | None:
        """Type a slash command; returns the ack body Slack shows as an ephemeral answer."""
        command, _, text = line.strip().partition(" ")
        standin = self.world.standin
        form = {
            "token": "legacy-verification-token",
            "team_id": self.world.team_id,
            "team_domain": self.world.team_domain,
            "channel_id": self.channel,
            "channel_name": standin.channel(self.channel).name,
            "user_id": self.user,
            "user_name": self._name(self.user),
            "command": command,
            "text": self._escape_mentions(text),
            "api_app_id": APP_ID,
            "response_url": standin.issue_response_url(user_id=self.user, channel_id=self.channel),
            "trigger_id": standin.issue_trigger_id(user_id=self.user),
        }
        body = self._send(urlencode(form), "application/x-www-form-urlencoded")
        if body:
            self._show_ephemeral(form["response_url"], body)
        return body

    # -- buttons ------------------------------------------------------------------------------
    def press(
        self, label: str, *, channel: str | None = None, nth: int = 1
    ) -> dict[str, Any] | None:
        """Press the newest button with this label; `nth` picks among repeats of the label on
        that same message or view (the third "No" of a card of questions)."""
        first = self.find_button(label, channel=channel)
        if nth == 1:
            return self.click(first)
        wanted = label.strip().lower()
        same_place = [
            found
            for found in self._visible_buttons(channel)
            if (found.where, found.channel, found.ts) == (first.where, first.channel, first.ts)
            and found.element["text"]["text"].strip().lower() == wanted
        ]
        if len(same_place) < nth:
            raise SandboxError(f"there are only {len(same_place)} {label!r} buttons there")
        return self.click(same_place[nth - 1])

    def press_action(self, action_id: str, *, channel: str | None = None) -> dict[str, Any] | None:
        """Press the newest visible button with this action id (for cards whose labels repeat,
        such as the Yes / No of each question)."""
        for found in self._visible_buttons(channel):
            if found.element.get("action_id") == action_id:
                return self.click(found)
        raise SandboxError(f"no button with action id {action_id!r} in sight")

    def click(self, found: Found) -> dict[str, Any] | None:
        """Press a button found earlier (pressing it twice is a double click)."""
        standin = self.world.standin
        action = {
            "type": "button",
            "action_id": found.element["action_id"],
            "block_id": found.block_id,
            "value": found.element.get("value", ""),
            "text": found.element["text"],
            "action_ts": f"{time.time():.6f}",
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.world.team_id, "domain": self.world.team_domain},
            "user": {
                "id": self.user,
                "username": self._name(self.user),
                "team_id": self.world.team_id,
            },
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": standin.issue_trigger_id(user_id=self.user),
            "actions": [action],
        }
        if found.where == "view" and found.view is not None:
            payload["container"] = {"type": "view", "view_id": found.view["id"]}
            payload["view"] = found.view
        else:
            assert found.channel is not None
            payload["container"] = {
                "type": "message",
                "message_ts": found.ts,
                "channel_id": found.channel,
                "is_ephemeral": found.where == "ephemeral",
            }
            payload["channel"] = {"id": found.channel, "name": self._channel_name(found.channel)}
            payload["response_url"] = standin.issue_response_url(  # fresh with every click
                user_id=self.user,
                channel_id=found.channel,
                ephemeral_ts=found.ts if found.where == "ephemeral" else None,
                message_ts=found.ts if found.where == "message" else None,
            )
            if found.where == "message":
                payload["message"] = {"ts": found.ts, "type": "message"}
        return self.send_payload(payload)

    def press_on_home(self, label: str) -> dict[str, Any] | None:
        """Press a button on the person's App Home tab (open it first with `open_home`)."""
        home = self.world.standin.home_view(self.user)
        if home is None:
            raise SandboxError("the App Home is not open; call open_home() first")
        home["id"] = self.world.standin.home_view_id(self.user)
        wanted = label.strip().lower()
        for found in _buttons_in(home.get("blocks", []), where="view", view=home):
            if found.element["text"]["text"].strip().lower() == wanted:
                return self.click(found)
        raise SandboxError(f"no button {label!r} on the App Home")

    def find_button(self, label: str, *, channel: str | None = None) -> Found:
        """The newest button with this label that the person can see (modal, ephemeral, channel)."""
        wanted = label.strip().lower()
        for found in self._visible_buttons(channel):
            if found.element["text"]["text"].strip().lower() == wanted:
                return found
        raise SandboxError(
            f"no button {label!r} in sight; read the channel or the modal to see "
            "which buttons there are"
        )

    def _visible_buttons(self, channel: str | None) -> list[Found]:
        standin, found = self.world.standin, []
        stack = standin.view_stack(self.user)
        if stack and channel is None:
            view = stack[-1]
            found += _buttons_in(
                view.view.get("blocks", []),
                where="view",
                view={**view.view, "id": view.id, "hash": view.hash},
            )
        if channel is None:
            for eph in reversed(standin.ephemerals(self.user)):
                found += _buttons_in(eph.blocks, where="ephemeral", channel=eph.channel, ts=eph.ts)
        channels = [channel] if channel else self._readable_channels()
        for channel_id in channels:
            for message in reversed(standin.messages(channel_id)):
                found += _buttons_in(
                    message.blocks, where="message", channel=channel_id, ts=message.ts
                )
        return found

    def _readable_channels(self) -> list[str]:
        standin = self.world.standin
        mine = [c.id for c in standin.channels() if self.user in c.members and not c.is_im]
        return [self.channel, standin.dm_channel_id(self.user), *mine]

    # -- modals -------------------------------------------------------------------------------
    def current_view(self) -> dict[str, Any] | None:
        stack = self.world.standin.view_stack(self.user)
        if not stack:
            return None
        top = stack[-1]
        return {**top.view, "id": top.id, "hash": top.hash}

    def fill(self, label: str, value: str) -> None:
        """Answer one input of the open modal, found by its label."""
        view = self._require_view()
        block = _input_by_label(view, label)
        state = _element_state(block["element"], value, self)
        self.fills.setdefault(view["id"], {})[block["block_id"]] = state
        if block.get("dispatch_action"):  # Slack sends the choice at once (a redraw follows)
            self._dispatch(view, block, state)

    def _dispatch(self, view: dict[str, Any], block: dict[str, Any], state: dict[str, Any]) -> None:
        """The block_actions payload of a choice in an input with `dispatch_action`."""
        payload = self.submission(view)
        payload["type"] = "block_actions"
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["actions"] = [
            {
                **state,
                "action_id": block["element"].get("action_id", "value"),
                "block_id": block["block_id"],
                "action_ts": f"{time.time():.6f}",
            }
        ]
        self.send_payload(payload)

    def submit(self) -> dict[str, Any] | None:
        view = self._require_view()
        body = self.send_payload(self.submission(view))
        if body and body.get("response_action"):
            self.world.standin.apply_view_response(self.user, view["id"], body)
        else:
            self.world.standin.pop_view(self.user)
        if not body or body.get("response_action") != "errors":
            self.fills.pop(view["id"], None)  # Slack keeps what was typed only on errors
        return body

    def submission(self, view: dict[str, Any]) -> dict[str, Any]:
        """The view_submission payload Slack would send for the modal as filled now."""
        values = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            chosen = self.fills.get(view["id"], {}).get(block["block_id"])
            action_id = block["element"].get("action_id", "value")
            values[block["block_id"]] = {action_id: chosen or _initial_state(block["element"])}
        return {
            "type": "view_submission",
            "team": {"id": self.world.team_id, "domain": self.world.team_domain},
            "user": {
                "id": self.user,
                "username": self._name(self.user),
                "team_id": self.world.team_id,
            },
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self.world.standin.issue_trigger_id(user_id=self.user),
            "view": {**view, "state": {"values": values}},
        }

    def send_payload(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """An interactive payload, form-encoded and signed as Slack sends it."""
        return self._send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def cancel(self) -> None:
        self.world.standin.close_views(self.user)

    def _require_view(self) -> dict[str, Any]:
        view = self.current_view()
        if view is None:
            raise SandboxError("no modal is open; `/case` opens the intake form")
        return view

    # -- messages, shortcuts, home ------------------------------------------------------------
    def say(self, text: str) -> str:
        return self.world.standin.post_as_user(self.user, self.channel, text).ts

    def shortcut(self, callback_id: str, *, ts: str) -> dict[str, Any] | None:
        message = next((m for m in self.world.standin.messages(self.channel) if m.ts == ts), None)
        if message is None:
            raise SandboxError(f"no message {ts} in #{self._channel_name(self.channel)}")
        payload = {
            "type": "message_action",
            "callback_id": callback_id,
            "team": {"id": self.world.team_id, "domain": self.world.team_domain},
            "user": {"id": self.user, "name": self._name(self.user)},
            "channel": {"id": self.channel, "name": self._channel_name(self.channel)},
            "message": self._as_sent(message.user, message.ts, message.text),
            "trigger_id": self.world.standin.issue_trigger_id(user_id=self.user),
            "response_url": self.world.standin.issue_response_url(
                user_id=self.user, channel_id=self.channel
            ),
            "message_ts": message.ts,
            "token": "legacy-verification-token",
        }
        return self.send_payload(payload)

    def _as_sent(self, author: str, ts: str, text: str) -> dict[str, Any]:
        """A message as Slack puts it in a payload; a bot's carries its bot_id."""
        sent: dict[str, Any] = {"type": "message", "user": author, "ts": ts, "text": text}
        if any(p.id == author and p.is_bot for p in self.world.standin.users()):
            sent["bot_id"] = f"B{author[1:]}"
        return sent

    def open_home(self) -> None:
        self.send_event(
            {
                "type": "app_home_opened",
                "user": self.user,
                "tab": "home",
                "channel": self.world.standin.dm_channel_id(self.user),
            }
        )

    def react(self, ts: str, name: str, *, channel: str | None = None) -> None:
        """Add an emoji reaction to a message (the bot hears `reaction_added`)."""
        where = channel or self.channel
        message = next((m for m in self.world.standin.messages(where) if m.ts == ts), None)
        self.send_event(
            {
                "type": "reaction_added",
                "user": self.user,
                "reaction": name,
                "item_user": message.user if message else None,
                "item": {"type": "message", "channel": where, "ts": ts},
                "event_ts": f"{time.time():.6f}",
            }
        )

    def join(self, channel: str) -> None:
        """Join a channel (the bot hears `member_joined_channel`)."""
        self.world.standin.add_member(channel, self.user)
        self.send_event(
            {
                "type": "member_joined_channel",
                "user": self.user,
                "channel": channel,
                "channel_type": "C",
                "team": self.world.team_id,
            }
        )

    def write_to_bot(self, text: str, *, thread_ts: str | None = None) -> str:
        """Send the bot a direct message (a `message` event from the IM); returns its ts."""
        im = self.world.standin.dm_channel_id(self.user)
        message = self.world.standin.post_as_user(self.user, im, text, thread_ts=thread_ts)
        event: dict[str, Any] = {
            "type": "message",
            "channel_type": "im",
            "channel": im,
            "user": self.user,
            "text": text,
            "ts": message.ts,
            "event_ts": message.ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        self.send_event(event)
        return message.ts

    def send_event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0
    ) -> str:
        """One Events API delivery, signed, with a fresh event id (or `event_id` again, as
        Slack's retry number `retry` does); returns the event id."""
        event_id = event_id or f"Ev{uuid.uuid4().hex[:12].upper()}"
        self.last_event = (event, event_id)
        envelope = {
            "token": "legacy-verification-token",
            "team_id": self.world.team_id,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
        extra = {"x-slack-retry-num": [str(retry)], "x-slack-retry-reason": ["http_timeout"]}
        self._send(json.dumps(envelope), "application/json", extra if retry else None)
        return event_id

    # -- plumbing -----------------------------------------------------------------------------
    def _send(
        self, raw: str, content_type: str, extra: dict[str, list[str]] | None = None
    ) -> dict[str, Any] | None:
        """Sign like Slack, dispatch into the Bolt app, then deliver the outbox."""
        timestamp = str(int(time.time()))
        base = f"v0:{timestamp}:{raw}".encode()
        signature = (
            "v0=" + hmac.new(self.world.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        )
        headers: dict[str, str | Sequence[str]] = {
            "content-type": [content_type],
            "x-slack-request-timestamp": [timestamp],
            "x-slack-signature": [signature],
            **(extra or {}),
        }
        response = self.world.runtime.app.dispatch(BoltRequest(body=raw, headers=headers))
        if self.settle_after:
            self.settle()
        if response.status != 200:
            raise SandboxError(f"the app answered HTTP {response.status}: {response.body}")
        if not response.body:
            return None
        try:
            parsed = json.loads(response.body)
        except ValueError:
            return {"text": response.body}
        return parsed if isinstance(parsed, dict) else None

    def pass_time(self, delta: timedelta) -> datetime:
        """Let time pass as for a bot that never stops: stop at each timer's due time, sweep and
        deliver, then go on to the end (the sandbox's `wait`, and tests)."""
        runtime = self.world.runtime
        end = runtime.clock.now() + delta
        while True:
            due = runtime.sweeper.next_due()
            if due is None or due > end:
                break
            if due > runtime.clock.now():
                runtime.clock.advance(due - runtime.clock.now())
            self.settle()
        if end > runtime.clock.now():
            runtime.clock.advance(end - runtime.clock.now())
        self.settle()
        return runtime.clock.now()

    def settle(self) -> None:
        """What a running bot would do next: fire due timers, deliver the outbox."""
        self.world.runtime.sweeper.sweep()
        self.world.runtime.dispatcher.drain(wait_up_to=SETTLE_SECONDS)

    def _show_ephemeral(self, response_url: str, body: dict[str, Any]) -> None:
        """Slack shows a command's answer to the caller alone, as an ephemeral message."""
        data = json.dumps({"response_type": "ephemeral", **body}).encode()
        request = urllib.request.Request(
            response_url, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5):
                pass
        except urllib.error.HTTPError as exc:
            raise SandboxError(f"Slack refused the answer: {exc.read().decode()}") from None

    def _escape_mentions(self, text: str) -> str:
        """Slack's `should_escape`: @name of a real person becomes <@ID|name>."""
        words = []
        for word in text.split(" "):
            if word.startswith("@") or word.startswith("for=@"):
                prefix, _, name = word.rpartition("@")
                try:
                    words.append(f"{prefix}<@{self.resolve_user(name)}|{name}>")
                    continue
                except SandboxError:
                    pass
            words.append(word)
        return " ".join(words)

    def _name(self, user_id: str) -> str:
        return self.world.standin.display_names().get(user_id, user_id)

    def _channel_name(self, channel_id: str) -> str:
        try:
            return self.world.standin.channel(channel_id).name
        except KeyError:
            return channel_id


def _buttons_in(
    blocks: list[dict[str, Any]],
    *,
    where: str,
    channel: str | None = None,
    ts: str | None = None,
    view: dict[str, Any] | None = None,
) -> list[Found]:
    found = []
    for block in blocks:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found.append(
                    Found(
                        element=element,
                        block_id=block.get("block_id", ""),
                        where=where,
                        channel=channel,
                        ts=ts,
                        view=view,
                    )
                )
    return found


def _input_by_label(view: dict[str, Any], label: str) -> dict[str, Any]:
    wanted = label.strip().lower().rstrip(":")
    inputs: list[dict[str, Any]] = [b for b in view.get("blocks", []) if b.get("type") == "input"]
    for exact in (True, False):
        for block in inputs:
            text = block["label"]["text"].lower()
            if (text == wanted) if exact else text.startswith(wanted):
                return block
    labels = "; ".join(b["label"]["text"] for b in inputs)
    raise SandboxError(f"the modal has no field {label!r}. Fields: {labels}")


def _element_state(element: dict[str, Any], value: str, driver: Driver) -> dict[str, Any]:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons"):
        options = element.get("options", [])
        for option in options:
            if value.strip().lower() in (option["text"]["text"].lower(), option["value"].lower()):
                return {"type": kind, "selected_option": option}
        for option in options:
            if option["text"]["text"].lower().startswith(value.strip().lower()):
                return {"type": kind, "selected_option": option}
        choices = " | ".join(o["text"]["text"] for o in options)
        raise SandboxError(f"{value!r} is not a choice. Choices: {choices}")
    if kind == "users_select":
        return {"type": kind, "selected_user": driver.resolve_user(value)}
    return {"type": kind, "value": value}


def _initial_state(element: dict[str, Any]) -> dict[str, Any]:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    return {"type": kind, "value": element.get("initial_value")}
