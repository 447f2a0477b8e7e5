"""The sandbox's terminal: type what a person would do in Slack and read what they would see.

Reads standard input line by line, so it works the same from a keyboard or a script
(`python -m bot sandbox < steps.txt`); when the input is not a terminal each line is echoed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import tempfile
from collections.abc import Callable
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot.errors import UserFacingError
from bot.sandbox import alert_step
from bot.sandbox.driver import Driver, SandboxError
from bot.sandbox.repl_mail import MailSteps
from bot.sandbox.standin_smtp import StandInRelay
from bot.sandbox.transcript import render_message, render_view, short_date
from bot.sandbox.world import World, build_world
from bot.status.document import status_document
from bot.status.text import feed_text, page_text
from config.settings import Settings

NTH = re.compile(r"^(.*?)\s+#(\d+)$")  # "No #3": the third "No" on that message
HELP = """Act as anyone in the demo desk and use the bot as in Slack:
  people                      who is here (act as anyone by name)
  as <name>                   act as that person, e.g. `as dana`
  in #<channel>               where your commands and messages go (default #it-help)
  /case ...                   a slash command, e.g. `/case new Printer jams service=printers`
  say <text>                  post a message in the current channel
  shortcut [timeline] [<n>]   "Open a case" (or "Add to case timeline") on the latest message
                              here (or the n-th from last)
  react <emoji> [<n>]         react to the latest message here, e.g. `react pushpin`
  join #<channel>             join a channel yourself
  write <text>                send the bot a direct message (a requester replying)
  press <label> [#n] [in #chan]  press the newest button with that label you can see
                              (#3: the third one of that label on the same message)
  modal                       show the open modal
  fill <label> = <value>      answer a modal field (a choice by its text, a person by name)
  submit | cancel             submit or close the modal
  read #<channel> [n]         the last n messages of a channel (default 5)
  dm [<name>] [n]             your DMs with the bot (or someone else's)
  ephemeral                   the messages only you can see
  channels                    every channel
  home                        your App Home tab
  alert firing|resolved <alertname> [label=value ...] [-- summary]
                              monitoring posts an alert (Alertmanager, grouped by alertname);
                              or `alert grafana|generic|alertmanager <JSON>`
  wait <30m|2h|1d>            move the sandbox clock forward
  files #<channel>|dm <name>  save the files of the last upload there to disk (the charts)
  status                      the public status page (/status) as text
  feed [n]                    the newest n entries of its Atom feed (default 5)
  subscribe <email> <service>...  "Get updates" on the status page, then the mailed link
  mail <email> [n]            the e-mails that address got (the sandbox's own mail relay)
  help | quit"""


# Where `files` writes what the bot uploaded (CASEDESK_SANDBOX_FILES, else the temp folder).
FILES_FOLDER = Path(
    os.environ.get("CASEDESK_SANDBOX_FILES") or Path(tempfile.gettempdir()) / "casedesk-files"
)


class Repl:
    def __init__(self, world: World, out: IO[str], *, relay: StandInRelay | None = None) -> None:
        self.world = world
        self.out = out
        mail = MailSteps(world, relay, self.print)
        self.driver = Driver(world=world, user="U0DESK01")
        self.names = world.standin.display_names()
        self.seen_ephemerals: dict[str, str] = {}
        self.commands: dict[str, Callable[[str], None]] = {
            "people": self.people,
            "as": self.act_as,
            "in": self.move,
            "say": self.say,
            "react": self.react,
            "join": self.join,
            "write": self.write,
            "shortcut": self.shortcut,
            "press": self.press,
            "modal": self.modal,
            "fill": self.fill,
            "submit": self.submit,
            "cancel": self.cancel,
            "read": self.read,
            "status": self.status,
            "feed": self.feed,
            "dm": self.dm,
            "ephemeral": self.ephemeral,
            "channels": self.channels,
            "home": self.home,
            "wait": self.wait,
            "alert": self.alert,
            "files": self.files,
            "subscribe": mail.subscribe,
            "mail": mail.mail,
            "help": lambda _: self.print(HELP),
        }

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> str:
        who = self.names.get(self.driver.user, self.driver.user)
        return f"{who} in #{self.world.standin.channel(self.driver.channel).name}> "

    def handle(self, line: str) -> bool:
        """Run one line; False means quit."""
        line = line.strip()
        if not line or line.startswith("#!"):
            return True
        if line in ("quit", "exit"):
            return False
        verb, _, rest = line.partition(" ")
        try:
            if line.startswith("/"):
                self.slash(line)
            elif verb in self.commands:
                self.commands[verb](rest.strip())
            else:
                self.print(f"I don't know {verb!r}. Type `help`.")
        except (SandboxError, UserFacingError, ValueError) as exc:
            self.print(f"! {exc}")
        return True

    # -- actions ------------------------------------------------------------------------------
    def slash(self, line: str) -> None:
        self.driver.command(line)
        self._after()

    def people(self, _: str) -> None:
        for person in self.world.standin.users():
            if not person.is_bot:
                self.print(f"  {person.name:8} {person.real_name} ({person.id})")

    def act_as(self, who: str) -> None:
        self.driver.act_as(who)
        self.seen_ephemerals = self._ephemeral_snapshot()
        self.print(f"You are now {self.names.get(self.driver.user)}.")

    def move(self, channel: str) -> None:
        self.driver.channel = self.driver.resolve_channel(channel)

    def say(self, text: str) -> None:
        self.driver.say(text)

    def react(self, rest: str) -> None:
        emoji, _, back = rest.partition(" ")
        self.driver.react(self._people_message(back).ts, emoji.strip(":") or "pushpin")
        self._after()

    def join(self, channel: str) -> None:
        self.driver.join(self.driver.resolve_channel(channel))
        self._after()

    def write(self, text: str) -> None:
        self.driver.write_to_bot(text)
        self._after()

    def shortcut(self, rest: str) -> None:
        name, _, back = rest.partition(" ")
        if name.isdigit() or not name:
            name, back = "open_case_from_message", name
        elif name == "timeline":
            name = "add_to_timeline"
        self.driver.shortcut(name, ts=self._people_message(back).ts)
        self._after()

    def _people_message(self, back: str) -> Any:
        """The newest message a person posted here (or the n-th from last)."""
        messages = [
            m for m in self.world.standin.messages(self.driver.channel) if m.user != "UCASEBOT"
        ]
        count = int(back) if back.strip().isdigit() else 1
        if len(messages) < count:
            raise SandboxError("no such message here; `say` something first")
        return messages[-count]

    def press(self, rest: str) -> None:
        label, _, channel = rest.partition(" in ")
        where = self.driver.resolve_channel(channel.strip()) if channel else None
        repeat = NTH.match(label.strip())
        label, nth = (repeat.group(1), int(repeat.group(2))) if repeat else (label.strip(), 1)
        self.driver.press(label.strip('"'), channel=where, nth=nth)
        self._after()

    def modal(self, _: str) -> None:
        view = self.driver.current_view()
        if view is None:
            self.print("(no modal open)")
            return
        stack = self.world.standin.view_stack(self.driver.user)
        errors = stack[-1].errors if stack else None
        values = self.driver.fills.get(view["id"], {})
        self.print(
            render_view(view, users=self.names, values=values, errors=errors, tz=self._zone())
        )

    def fill(self, rest: str) -> None:
        label, sep, value = rest.partition("=")
        if not sep:
            raise SandboxError("write it as: fill <label> = <value>")
        self.driver.fill(label.strip(), value.strip())

    def submit(self, _: str) -> None:
        self.driver.submit()
        self._after(announce_modal=False)
        view = self.driver.current_view()
        if view is not None:
            self.modal("")
            if not view.get("submit"):  # an answer with only "Done": read it and close it
                self.driver.cancel()

    def cancel(self, _: str) -> None:
        self.driver.cancel()

    def status(self, _: str) -> None:
        """BCAST-2: the page readers outside Slack see, in the desk's zone (no JavaScript)."""
        self.print(page_text(self._status(), zone=self._desk_zone()).rstrip())

    def feed(self, rest: str) -> None:
        count = int(rest) if rest.strip().isdigit() else 5
        author = self.world.runtime.policy.desk_name
        text = feed_text(self._status(), author=author, zone=self._desk_zone(), count=count)
        self.print(text.rstrip())

    def _desk_zone(self) -> str:
        policy = self.world.runtime.policy
        return policy.calendars[policy.default_calendar].timezone

    def _status(self) -> dict[str, Any]:
        runtime = self.world.runtime
        with runtime.db.reading() as session:
            return status_document(session, runtime.policy, now=runtime.clock.now())

    def read(self, rest: str) -> None:
        parts = shlex.split(rest) or [f"#{self.world.standin.channel(self.driver.channel).name}"]
        count = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 5
        channel = self.driver.resolve_channel(parts[0])
        self._show_channel(channel, count)

    def dm(self, rest: str) -> None:
        name, _, count = rest.strip().partition(" ")
        if name.isdigit() and not count:  # `dm 3`: your own last three
            name, count = "", name
        user = self.driver.resolve_user(name) if name else self.driver.user
        shown = int(count) if count.strip().isdigit() else 10
        self._show_channel(self.world.standin.dm_channel_id(user), shown)

    def ephemeral(self, _: str) -> None:
        for eph in self.world.standin.ephemerals(self.driver.user)[-5:]:
            self.print(
                render_message(
                    eph, users=self.names, channels=self._channel_names(), tz=self._zone()
                )
            )

    def channels(self, _: str) -> None:
        for channel in self.world.standin.channels():
            if not channel.is_im:
                count = len(self.world.standin.messages(channel.id))
                self.print(f"  #{channel.name:40} {count} messages")

    def home(self, _: str) -> None:
        self.driver.open_home()
        view = self.world.standin.home_view(self.driver.user)
        if view:
            self.print(render_view(view, users=self.names, tz=self._zone()))

    def wait(self, rest: str) -> None:
        units = {"m": "minutes", "h": "hours", "d": "days"}
        if len(rest) < 2 or not rest[:-1].isdigit() or rest[-1] not in units:
            raise SandboxError("write it as: wait 30m (or 2h, 1d)")
        now = self.driver.pass_time(timedelta(**{units[rest[-1]]: int(rest[:-1])}))
        self.print(f"(the sandbox clock is now {short_date(now.astimezone(self._zone()))})")

    def alert(self, rest: str) -> None:
        runtime = self.world.runtime
        kind, payload = alert_step.shorthand(rest, now=runtime.clock.now())
        answer = alert_step.post(runtime.alert_receiver, kind, payload)
        worked = runtime.desk.alerts.work_pending()
        self.driver.settle()
        self.print(f"({alert_step.described(answer, worked)})")

    def files(self, rest: str) -> None:
        """Write the files of the channel's (or DM's) last upload to FILES_FOLDER, to open."""
        where, _, name = rest.partition(" ")
        if where == "dm":
            channel = self.world.standin.dm_channel_id(self.driver.resolve_user(name.strip()))
        else:
            channel = self.driver.resolve_channel(where or "#general")
        shared = [m for m in self.world.standin.messages(channel) if m.files]
        if not shared:
            raise SandboxError("no files were shared there")
        FILES_FOLDER.mkdir(parents=True, exist_ok=True)
        uploads = {f.id: f for f in self.world.standin.files()}
        for file_id in shared[-1].files:
            upload = uploads[file_id]
            path = FILES_FOLDER / upload.filename
            path.write_bytes(self.world.standin.file_bytes(file_id))
            self.print(f"  wrote {path} ({upload.length:,} bytes): {upload.title}")
            if upload.alt_txt:
                self.print(f"    alt text: {upload.alt_txt}")

    # -- showing what changed -----------------------------------------------------------------
    def _after(self, *, announce_modal: bool = True) -> None:
        """Show the person what popped up for them: new ephemerals and an opened modal."""
        for eph in self.world.standin.ephemerals(self.driver.user):
            if self.seen_ephemerals.get(eph.ts) != eph.text + str(eph.blocks):
                self.print("(only you can see this)")
                self.print(
                    render_message(
                        eph, users=self.names, channels=self._channel_names(), tz=self._zone()
                    )
                )
        self.seen_ephemerals = self._ephemeral_snapshot()
        view = self.driver.current_view()
        if announce_modal and view is not None and not self.driver.fills.get(view["id"]):
            self.print(
                f"(a modal opened: {view.get('title', {}).get('text', '')}; `modal` shows "
                "it, `fill` and `submit` answer it)"
            )

    def _ephemeral_snapshot(self) -> dict[str, str]:
        return {
            e.ts: e.text + str(e.blocks) for e in self.world.standin.ephemerals(self.driver.user)
        }

    def _show_channel(self, channel: str, count: int) -> None:
        """The last `count` messages of the channel, each followed by its thread's replies."""
        everything = self.world.standin.messages(channel)
        top = [m for m in everything if not m.thread_ts or m.thread_ts == m.ts][-count:]
        if not top:
            self.print("(no messages)")
        names = self._channel_names()
        for message in top:
            self.print(render_message(message, users=self.names, channels=names, tz=self._zone()))
            for reply in everything:
                if reply.thread_ts == message.ts and reply.ts != message.ts:
                    self.print(
                        render_message(reply, users=self.names, channels=names, tz=self._zone())
                    )

    def _zone(self) -> tzinfo:
        """The acting person's time zone: Slack shows them dates in it."""
        return ZoneInfo(self.world.standin.time_zone(self.driver.user))

    def _channel_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.world.standin.channels()}


def run_repl(settings: Settings, stdin: IO[str], out: IO[str]) -> int:
    """The interactive sandbox; an in-memory database unless DATABASE_URL was set."""
    if not _database_was_set():
        settings = dataclasses.replace(settings, database_url="sqlite://")
    relay = None
    if settings.smtp_url is None:  # BCAST-3: mail goes to the sandbox's own relay (`mail`)
        relay = StandInRelay().start()
        settings = dataclasses.replace(settings, smtp_url=relay.url)
    world = build_world(settings)
    repl = Repl(world, out, relay=relay)
    interactive = stdin.isatty()
    repl.print(
        "Casedesk sandbox: a stand-in Slack with the demo desk. Type `help`; you are Dana "
        "from the service desk."
    )
    try:
        while True:
            if interactive:
                out.write(repl.prompt())
                out.flush()
            line = stdin.readline()
            if not line:
                break
            if not interactive and line.strip():
                repl.print(repl.prompt() + line.rstrip())
            if not repl.handle(line):
                break
    finally:
        world.close()
        if relay is not None:
            relay.stop()
    return 0


def _database_was_set() -> bool:
    import os

    return bool(os.environ.get("DATABASE_URL", "").strip())
