"""Ranking articles for a case's words (KB-2): fuzzy, field-weighted, with a score out of 100.

Two stages. The index (`kb.index`) picks a few dozen candidates by BM25F over normalised terms,
misspellings mapped to the nearest known word. Each candidate is then scored on what a
technician would look at: how much of the query's meaning (words weighted by rarity) the title,
symptoms and keywords cover, how alike the query and the title read (rapidfuzz, so word order
and partial phrases count), the BM25F weight itself, and, for the leading candidates, how alike
query and article are letter by letter (`kb.likeness`: shared roots such as "unfriended" and
"friend"). The score is out of 100; below the threshold nothing is suggested. Feedback nudges
an article up or down a little.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from kb.index import K1, Index
from kb.likeness import cosine, vector
from kb.text import plain_words, terms

DEFAULT_THRESHOLD = 35.0
CANDIDATES = 40
QUERY_CHARS = 2000
QUERY_TERMS = 60
# Postings read per query, shared out rarest term first; a common word is read only down to its
# strongest entries (where it is in a title or symptom), which is where a match would be anyway.
POSTINGS_BUDGET = 5000
POSTINGS_MIN = 300
# Shares of the final score: head coverage, title likeness, BM25F, letter likeness.
W_HEAD = 0.22
W_TITLE = 0.14
W_LEXICAL = 0.36
W_LETTERS = 0.28
# Letter likeness is computed for this many of the best candidates (it can reorder them, not
# bring in new ones).
LETTERS_DEPTH = 20
# Feedback may move an article's score by at most this fraction either way.
FEEDBACK_SPAN = 0.10


@dataclass(frozen=True)
class Hit:
    key: str
    score: float


class Matcher:
    """Ranks the documents of one index for free text."""

    def __init__(self, index: Index, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.index = index
        self.threshold = threshold

    def rank(
        self,
        query: str,
        *,
        limit: int = 5,
        allow: Callable[[str], bool] | None = None,
        boosts: Mapping[str, float] | None = None,
        threshold: float | None = None,
    ) -> list[Hit]:
        """The best `limit` documents scoring at least the threshold, best first."""
        words = list(dict.fromkeys(terms(query[:QUERY_CHARS])))[:QUERY_TERMS]
        if not words or not len(self.index):
            return []
        index = self.index
        expanded = index.expand(words)
        weight: dict[str, float] = {}
        for qt in expanded:
            weight[qt.source] = max(weight.get(qt.source, 0.0), index.idf(qt.term))
        for word in words:
            weight.setdefault(word, _unknown_idf(index))
        total = sum(weight.values()) or 1.0
        lexical: dict[str, float] = {}
        get = lexical.get
        rarest_first = sorted(expanded, key=lambda qt: -index.idf(qt.term))
        budget = POSTINGS_BUDGET
        for left, qt in enumerate(rarest_first):
            factor = index.idf(qt.term) * qt.closeness
            quota = max(POSTINGS_MIN, budget // (len(rarest_first) - left))
            postings = index.strongest(qt.term)[:quota]
            budget -= len(postings)
            for key, value in postings:
                lexical[key] = get(key, 0.0) + factor * value
        if allow is not None:
            lexical = {k: v for k, v in lexical.items() if allow(k)}
        best = heapq.nlargest(CANDIDATES, lexical.items(), key=lambda pair: pair[1])
        ceiling = total * (K1 + 1)
        query_text = " ".join(words)
        cutoff = self.threshold if threshold is None else threshold
        scored = []
        for key, value in best:
            analysed = index.analysed[key]
            head = 0.0
            for qt in expanded:
                if qt.term in analysed.head_terms:
                    head += weight.get(qt.source, 0.0) * qt.closeness
            title = fuzz.token_set_ratio(query_text, analysed.head_text) / 100
            base = (
                W_HEAD * min(head / total, 1.0)
                + W_TITLE * title
                + W_LEXICAL * min(value / ceiling, 1.0)
            )
            scored.append((base, key))
        scored.sort(key=lambda pair: -pair[0])
        typed = plain_words(query[:QUERY_CHARS])[:QUERY_TERMS]
        letters = vector(dict.fromkeys(typed, 1), index.word_rarity)
        hits = []
        for rank, (base, key) in enumerate(scored):
            alike = cosine(letters, index.letters(key)) if rank < LETTERS_DEPTH else 0.0
            score = 100 * (base + W_LETTERS * alike)
            if boosts:
                score *= 1 + max(-FEEDBACK_SPAN, min(FEEDBACK_SPAN, boosts.get(key, 0.0)))
            score = round(min(score, 100.0), 1)
            if score >= cutoff:
                hits.append(Hit(key=key, score=score))
        hits.sort(key=lambda hit: (-hit.score, hit.key))
        return hits[:limit]


def _unknown_idf(index: Index) -> float:
    """A word no article has weighs like the rarest word: asking about it and finding nothing
    should lower the score."""
    return index.idf("\0")
