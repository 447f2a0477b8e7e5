"""An article cut into passages: its sections and paragraphs, long ones in overlapping windows.

A desk's how-to page or a manual's section covers several things; a question is about one of
them. Scoring the best passage as well as the whole article (passage retrieval: Callan 1994,
Kaszkiel and Zobel 1997) keeps one matching paragraph from being drowned by the rest of a long
page, and that passage is what the suggestion shows as its snippet. Each passage keeps the
heading it sits under, so a heading's words count for its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words per passage: about a paragraph. Longer paragraphs are cut into windows of whole
# sentences that overlap by half, so a sentence is never scored only at a window's edge.
WINDOW = 60
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str


def split(body: str) -> list[Passage]:
    """The body's passages in order: a heading's paragraphs (short ones merged up to WINDOW
    words), long paragraphs as overlapping windows of sentences."""
    found: list[Passage] = []
    heading = ""
    paragraph: list[str] = []
    pending: list[str] = []  # short paragraphs under one heading, merged

    def flush_pending() -> None:
        if pending:
            found.append(Passage(heading, " ".join(pending)))
            pending.clear()

    def end_paragraph() -> None:
        if not paragraph:
            return
        text = " ".join(paragraph)
        paragraph.clear()
        size = len(text.split())
        if size > WINDOW:
            flush_pending()
            found.extend(Passage(heading, window) for window in _windows(text))
            return
        if pending and len(" ".join(pending).split()) + size > WINDOW:
            flush_pending()
        pending.append(text)

    for line in body.splitlines():
        title = _HEADING.match(line)
        if title:
            end_paragraph()
            flush_pending()
            heading = title.group(1)
        elif not line.strip():
            end_paragraph()
        elif _BULLET.match(line):
            end_paragraph()  # a list item is a step of its own; it merges with its neighbours
            paragraph.append(_BULLET.sub("", line).strip())
            end_paragraph()
        else:
            paragraph.append(line.strip())
    end_paragraph()
    flush_pending()
    return found


def _windows(text: str) -> list[str]:
    """Runs of whole sentences of about WINDOW words, each starting half a window after the
    last; a sentence longer than a window is a window of its own."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    sizes = [len(s.split()) for s in sentences]
    windows = []
    start = 0
    while start < len(sentences):
        end, words = start, 0
        while end < len(sentences) and (words == 0 or words + sizes[end] <= WINDOW):
            words += sizes[end]
            end += 1
        windows.append(" ".join(sentences[start:end]))
        if end >= len(sentences):
            break
        step, moved = start, 0
        while step < end - 1 and moved < WINDOW // 2:
            moved += sizes[step]
            step += 1
        start = max(step, start + 1)
    return windows
