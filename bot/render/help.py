"""A slash command's help and its answer to a word it does not know.

Usage lines hold `<summary>` and `<15m|30m>`, which Slack would read as a link: every line is
escaped, and the help is split into sections at line ends, so it fits Block Kit's limits
without cutting a word.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from bot.render.common import SECTION_MAX, as_dicts, section
from bot.text import escape

NEAREST = 3
LIKENESS = 0.5
CLOSE = 0.1  # names this much less alike than the best are not offered
# Words people type for something the command does under another name.
MEANT = {
    "ls": ("list",),
    "queue": ("list",),
    "find": ("search",),
    "lookup": ("search",),
    "status": ("show", "sla"),
    "view": ("show",),
    "open": ("new",),
    "create": ("new",),
    "assign": ("take", "handoff"),
    "comment": ("note", "tell"),
    "timeline": ("history",),
    "log": ("history",),
    "report": ("figures", "reassignments", "surveys"),
    "reports": ("figures", "reassignments", "surveys"),
    "stats": ("figures",),
    "statistics": ("figures",),
    "metrics": ("figures",),
    "kpi": ("figures",),
    "dashboard": ("figures",),
    "hold": ("wait",),
    "pause": ("wait",),
}


def help_message(command: str, lines: Sequence[str]) -> dict[str, Any]:
    """`lines` are plain text (with `code` spans): escaped, and grouped into sections."""
    safe_lines = [escape(line) for line in lines]
    sections: list[list[str]] = [[]]
    size = 0
    for line in safe_lines:
        if sections[-1] and size + len(line) + 1 > SECTION_MAX:
            sections.append([])
            size = 0
        sections[-1].append(line)
        size += len(line) + 1
    return {
        "text": f"{command} help: the commands and what they do",
        "blocks": as_dicts([section("\n".join(chunk)) for chunk in sections]),
    }


def nearest(word: str, names: Iterable[str]) -> list[str]:
    """The subcommands a guessed or mistyped word most likely meant, best first: what that word
    usually means, else the closest spellings."""
    known = list(names)
    meant = [name for name in MEANT.get(word.lower(), ()) if name in known]
    if meant:
        return meant[:NEAREST]
    scored = sorted(
        ((difflib.SequenceMatcher(None, word.lower(), name).ratio(), name) for name in known),
        key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0.0
    return [n for score, n in scored if score >= max(LIKENESS, best - CLOSE)][:NEAREST]


def unknown_subcommand(command: str, word: str, names: Iterable[str]) -> dict[str, Any]:
    """Two lines: what was not understood, the nearest subcommands, and where the list is."""
    shown = escape(word[:40])
    guesses = [f"`{command} {name}`" for name in nearest(word, names)]
    first = f"I don't know `{shown}`."
    if guesses:
        first += f" Did you mean {_either(guesses)}?"
    text = f":warning: {first}\n`{command} help` lists every command."
    return {"text": text, "blocks": as_dicts([section(text)])}


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
