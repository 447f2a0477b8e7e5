"""The status page and feed as text, for the sandbox and the demo: the page's own HTML read the
way a text browser shows it (times in the desk's zone, as without JavaScript), and the feed's
entries newest first."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from bot.status.feed import ATOM, atom_feed
from bot.status.page import status_page

_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "li", "dt", "article", "section", "summary", "ol", "ul", "form"}
    | {"fieldset", "legend"}
)
_HIDDEN = frozenset({"head", "script", "style"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self._break()
            if tag in ("h1", "h2"):
                self.lines[-1] = "== " if tag == "h2" else "# "
            elif tag == "li":
                self.lines[-1] = "  - "
        elif tag == "dd":
            self.lines[-1] = self.lines[-1].rstrip() + ": "
        elif tag == "input":
            found = dict(attrs)
            if found.get("type") == "checkbox":
                self.lines[-1] += "[x] " if "checked" in found else "[ ] "
            elif found.get("type") == "email":
                self.lines[-1] += "[________________] "
        elif tag == "button":
            self.lines[-1] += "["

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden -= 1
        elif tag in _BLOCKS and tag != "dt":  # a term and its description share a line
            self._break()
        elif tag == "button":
            self.lines[-1] += "]"
        elif tag == "label":
            self.lines[-1] += "  "

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = re.sub(r"\s+", " ", data)
        line = self.lines[-1]
        if not line.strip() or line.endswith(" "):
            text = text.lstrip()
        self.lines[-1] = line + text

    def _break(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")


def page_text(document: dict[str, Any], *, zone: str) -> str:
    """What a reader of /status sees, line by line."""
    reader = _Text()
    reader.feed(status_page(document, zone=zone))
    return "\n".join(line.rstrip() for line in reader.lines if line.strip()) + "\n"


def feed_text(document: dict[str, Any], *, author: str, zone: str, count: int) -> str:
    """The newest `count` entries of /status.atom: time (in `zone`), title, id and text."""
    root = ET.fromstring(atom_feed(document, author=author))
    lines = []
    for entry in root.findall(f"{{{ATOM}}}entry")[:count]:
        stamp = entry.findtext(f"{{{ATOM}}}updated") or ""
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        title = entry.findtext(f"{{{ATOM}}}title")
        lines += [
            f"[{moment:%a} {moment.day} {moment:%b %H:%M %Z}]  {title}",
            f"  id: {entry.findtext(f'{{{ATOM}}}id')}",
            *(f"  {line}" for line in (entry.findtext(f"{{{ATOM}}}content") or "").splitlines()),
        ]
    return "\n".join(lines) + "\n" if lines else "(no entries)\n"
