"""Fuzzy likeness of two short texts, tolerant of typos, word order and partial phrases.

Used at intake (INTAKE-4) to spot open cases that describe the same symptom, and the basis the
KB matcher builds on. rapidfuzz does the string work; this module decides what counts as alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "but",
        "by",
        "can",
        "cannot",
        "cant",
        "can't",
        "does",
        "doesnt",
        "don't",
        "for",
        "from",
        "has",
        "have",
        "i",
        "im",
        "in",
        "is",
        "it",
        "its",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "the",
        "this",
        "to",
        "was",
        "we",
        "with",
        "won't",
        "wont",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
DEFAULT_THRESHOLD = 60.0


def normalise(text: str) -> str:
    """Lower-case words without punctuation or filler words."""
    words = _WORD.findall(utils.default_process(text))
    kept = [w for w in words if w not in _STOPWORDS]
    return " ".join(kept or words)


def score(query: str, candidate: str) -> float:
    """0-100: how alike two texts are, whatever the word order and small typos."""
    return _scorer(normalise(query), normalise(candidate))


@dataclass(frozen=True)
class Match:
    key: int
    text: str
    score: float


def best_matches(
    query: str,
    candidates: Iterable[tuple[int, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """Candidates scoring at least `threshold`, best first, at most `limit`."""
    originals = dict(candidates)
    found = process.extract(
        normalise(query),
        {key: normalise(text) for key, text in originals.items()},
        scorer=_scorer,
        score_cutoff=threshold,
        limit=limit,
    )
    return [Match(key=key, text=originals[key], score=round(float(s), 1)) for _, s, key in found]


def _scorer(a: str, b: str, **_: object) -> float:
    if not a or not b:
        return 0.0
    return float(max(fuzz.token_sort_ratio(a, b), fuzz.token_set_ratio(a, b) * 0.95))
