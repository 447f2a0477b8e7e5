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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from kb.index import K1, Index, QueryTerm, View
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
# The lexical share splits between the whole article and its best passage (Callan 1994).
W_PASSAGE = 0.5
# Passage BM25: expected passage length (words) and its length normalisation.
PASSAGE_LENGTH = 40.0
PASSAGE_B = 0.5
# Near-copies: articles whose terms overlap this much; the later one loses this share of its
# score.
NEAR_COPY = 0.8
COPY_PENALTY = 0.4
# Letter likeness is computed for this many of the best candidates (it can reorder them, not
# bring in new ones).
LETTERS_DEPTH = 20
# Feedback may move an article's score by at most this fraction either way.
FEEDBACK_SPAN = 0.10


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    passage: str = ""  # the best passage of the body, the suggestion's snippet


@dataclass
class _Candidate:
    key: str
    base: float
    passage: str
    vocabulary: frozenset[str]
    score: float = 0.0


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
        ceiling = total * (K1 + 1)
        best = self._candidates(expanded, allow)
        query_text = " ".join(words)
        found = []
        for key, value in best:
            view = index.view(key)
            head = 0.0
            for qt in expanded:
                if qt.term in view.head_terms:
                    head += weight.get(qt.source, 0.0) * qt.closeness
            title = fuzz.token_set_ratio(query_text, view.head_text) / 100
            whole = min(value / ceiling, 1.0)
            passage, text = _best_passage(view, expanded, index)
            part = min(passage / ceiling, 1.0) if text else whole
            lexical = (1 - W_PASSAGE) * whole + W_PASSAGE * part
            base = W_HEAD * min(head / total, 1.0) + W_TITLE * title + W_LEXICAL * lexical
            found.append(_Candidate(key, base, text, view.vocabulary))
        found.sort(key=lambda c: (-c.base, c.key))
        typed = plain_words(query[:QUERY_CHARS])[:QUERY_TERMS]
        letters = vector(dict.fromkeys(typed, 1), index.word_rarity)
        for rank, candidate in enumerate(found):
            alike = cosine(letters, index.letters(candidate.key)) if rank < LETTERS_DEPTH else 0.0
            score = 100 * (candidate.base + W_LETTERS * alike)
            if boosts:
                nudge = boosts.get(candidate.key, 0.0)
                score *= 1 + max(-FEEDBACK_SPAN, min(FEEDBACK_SPAN, nudge))
            candidate.score = min(score, 100.0)
        cutoff = self.threshold if threshold is None else threshold
        ranked = _diversify(found, limit)
        return [
            Hit(key=c.key, score=round(c.score, 1), passage=c.passage)
            for c in ranked
            if round(c.score, 1) >= cutoff
        ][:limit]

    def _candidates(
        self, expanded: list[QueryTerm], allow: Callable[[str], bool] | None
    ) -> list[tuple[str, float]]:
        """The CANDIDATES articles with the highest BM25F sum, reading each term's strongest
        postings only (rarest term first, within POSTINGS_BUDGET)."""
        index = self.index
        sums = np.zeros(index.slots(), np.float32)
        rarest_first = sorted(expanded, key=lambda qt: -index.idf(qt.term))
        budget = POSTINGS_BUDGET
        for left, qt in enumerate(rarest_first):
            quota = max(POSTINGS_MIN, budget // (len(rarest_first) - left))
            slots, weights = index.postings(qt.term, quota)
            budget -= len(slots)
            sums[slots] += np.float32(index.idf(qt.term) * qt.closeness) * weights
        sums *= index.alive()
        touched = np.flatnonzero(sums)
        if len(touched) > CANDIDATES * 4:
            touched = touched[np.argpartition(-sums[touched], CANDIDATES * 4)[: CANDIDATES * 4]]
        order = touched[np.lexsort((touched, -sums[touched]))]
        picked: list[tuple[str, float]] = []
        for slot in order.tolist():
            key = index.key(slot)
            if key is None or (allow is not None and not allow(key)):
                continue
            picked.append((key, float(sums[slot])))
            if len(picked) == CANDIDATES:
                return picked
        if allow is not None and len(touched) < len(np.flatnonzero(sums)):
            # Rare: the allowed articles lie deeper than the first cut; read them all.
            rest = np.flatnonzero(sums)
            rest = rest[np.lexsort((rest, -sums[rest]))]
            picked = []
            for slot in rest.tolist():
                key = index.key(slot)
                if key is not None and allow(key):
                    picked.append((key, float(sums[slot])))
                    if len(picked) == CANDIDATES:
                        break
        return picked


def _best_passage(view: View, expanded: list[QueryTerm], index: Index) -> tuple[float, str]:
    """The body passage with the highest BM25 score for the query, and its text."""
    best, text = 0.0, ""
    factors = [(qt.term, index.idf(qt.term) * qt.closeness) for qt in expanded]
    for scored in view.passages:
        norm = K1 * (1 - PASSAGE_B + PASSAGE_B * scored.length / PASSAGE_LENGTH)
        value = 0.0
        for term, factor in factors:
            tf = scored.counts.get(term, 0)
            if tf:
                value += factor * tf * (K1 + 1) / (tf + norm)
        if value > best:
            best, text = value, scored.passage.text
    return best, text


def _diversify(found: list[_Candidate], limit: int) -> list[_Candidate]:
    """Best first, but an article that is a near-copy of one already placed (their terms
    overlap by at least NEAR_COPY, Jaccard's resemblance as in Broder 1997: "VPN on Windows"
    beside "VPN on macOS") loses COPY_PENALTY of its score before it is placed, so distinct
    answers are not crowded out of the top (MMR, Carbonell and Goldstein 1998). A section
    that holds another and much more is not a copy of it. Equal scores: the higher score
    before letter likeness (the words themselves) first, then the lower article id."""
    remaining = sorted(found, key=_order)
    placed: list[_Candidate] = []
    checked: set[str] = set()
    while remaining and len(placed) < limit:
        top = remaining[0]
        if top.key not in checked:
            checked.add(top.key)
            if any(_resemblance(top.vocabulary, p.vocabulary) >= NEAR_COPY for p in placed):
                top.score *= 1 - COPY_PENALTY
                remaining.sort(key=_order)
                continue
        placed.append(remaining.pop(0))
    return placed + remaining


def _resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _order(candidate: _Candidate) -> tuple[float, float, str]:
    return (-candidate.score, -candidate.base, candidate.key)


def _unknown_idf(index: Index) -> float:
    """A word no article has weighs like the rarest word: asking about it and finding nothing
    should lower the score."""
    return index.idf("\0")
