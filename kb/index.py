"""An inverted index of matching terms, so a query looks at a few candidates, not every article.

Each article's fields (title, symptoms, keywords, body) are turned into terms (`kb.text`). The
index keeps, per term, the articles holding it with a BM25F weight (field-weighted, length-
normalised, saturated), and a trigram index over the vocabulary, so that a misspelt query word
still finds the words it was meant to be. `candidates` sums the weights of the query's terms
over their postings (long postings are cut to their strongest entries) and hands the best few
to the scorer in `kb.matcher`.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kb.likeness import Vector, VectorCache, vector
from kb.text import plain_words, terms

FIELDS = ("title", "symptoms", "keywords", "body")
# How much a word counts where it appears: a title or symptom speaks for the whole article.
FIELD_WEIGHTS = {"title": 5.0, "symptoms": 3.0, "keywords": 3.0, "body": 1.0}
# Length normalisation per field (BM25F's b) and term saturation (k1).
FIELD_B = {"title": 0.5, "symptoms": 0.5, "keywords": 0.3, "body": 0.9}
K1 = 2.0
# Postings longer than this are read only down to their strongest entries.
POSTINGS_CAP = 4000
FUZZY_MIN = 80.0
GRAM = 3


@dataclass(frozen=True)
class Document:
    """The searchable text of one article."""

    key: str
    title: str
    symptoms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    body: str = ""

    def field_text(self, name: str) -> str:
        value = getattr(self, name)
        return " . ".join(value) if isinstance(value, tuple) else str(value)


@dataclass
class Analysed:
    """A document's terms per field, kept to compute weights and to remove it again."""

    fields: dict[str, Counter[str]]
    lengths: dict[str, int]
    head_terms: frozenset[str]
    head_text: str


@dataclass(frozen=True)
class QueryTerm:
    """One term to look up, the query word it stands for and how sure the match is (0-1)."""

    term: str
    source: str
    closeness: float


@dataclass
class Index:
    documents: dict[str, Document] = field(default_factory=dict)
    analysed: dict[str, Analysed] = field(default_factory=dict)
    postings: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    grams: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _length_sums: Counter[str] = field(default_factory=Counter)
    _strongest: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    _vocabulary: set[str] = field(default_factory=set)
    _vectors: VectorCache = field(default_factory=VectorCache)
    _word_counts: Counter[str] = field(default_factory=Counter)  # articles per plain word

    # -- building -----------------------------------------------------------------------------
    def add_all(self, documents: Iterable[Document]) -> None:
        """Add many documents, then weigh every posting once with the final average lengths."""
        for document in documents:
            self._store(document)
        self._reweigh(self.analysed)
        self._vectors.clear()  # rarities moved with the new articles
        for term, postings in self.postings.items():
            if len(postings) > POSTINGS_CAP:
                self.strongest(term)  # sorted now, not on some user's first query

    def add(self, document: Document) -> None:
        """Add or replace one document (weights use the current average field lengths)."""
        self.remove(document.key)
        self._store(document)
        self._reweigh({document.key: self.analysed[document.key]})

    def remove(self, key: str) -> None:
        self._vectors.forget(key)
        analysed = self.analysed.pop(key, None)
        document = self.documents.pop(key, None)
        if document is not None:
            for word in typed_words(document):  # one article fewer holds each of its words
                self._word_counts[word] -= 1
                if self._word_counts[word] <= 0:
                    del self._word_counts[word]
        if analysed is None:
            return
        for name, counts in analysed.fields.items():
            self._length_sums[name] -= analysed.lengths[name]
            for term in counts:
                postings = self.postings.get(term)
                if postings is not None:
                    postings.pop(key, None)
                    self._strongest.pop(term, None)
                    if not postings:
                        del self.postings[term]

    def __len__(self) -> int:
        return len(self.documents)

    def _store(self, document: Document) -> None:
        self._word_counts.update(typed_words(document).keys())
        fields = {name: Counter(terms(document.field_text(name))) for name in FIELDS}
        lengths = {name: sum(counts.values()) for name, counts in fields.items()}
        head = [*terms(document.title), *terms(" ".join(document.symptoms))]
        self.documents[document.key] = document
        self.analysed[document.key] = Analysed(
            fields=fields,
            lengths=lengths,
            head_terms=frozenset([*head, *fields["keywords"]]),
            head_text=" ".join(terms(document.title)),
        )
        for name, length in lengths.items():
            self._length_sums[name] += length
        for counts in fields.values():
            for term in counts:
                if term not in self._vocabulary:
                    self._vocabulary.add(term)
                    for gram in _grams(term):
                        self.grams[gram].add(term)

    def _reweigh(self, which: dict[str, Analysed]) -> None:
        count = max(len(self.analysed), 1)
        averages = {n: max(self._length_sums[n] / count, 1.0) for n in FIELDS}
        for key, analysed in which.items():
            pseudo: dict[str, float] = defaultdict(float)
            for name, counts in analysed.fields.items():
                norm = 1 - FIELD_B[name] + FIELD_B[name] * analysed.lengths[name] / averages[name]
                for term, count in counts.items():
                    pseudo[term] += FIELD_WEIGHTS[name] * count / norm
            for term, tf in pseudo.items():
                self.postings[term][key] = tf * (K1 + 1) / (tf + K1)
                self._strongest.pop(term, None)

    # -- reading ------------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        n = len(self.postings.get(term, ()))
        total = max(len(self.documents), 1)
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    def letters(self, key: str) -> Vector:
        """The article's letter-group vector (`kb.likeness`): its words as written (folded,
        filler dropped, not stemmed, so "unfriended" keeps its own letters), weighted by
        rarity among the articles."""
        return self._vectors.get(
            key, lambda: vector(typed_words(self.documents[key]), self.word_rarity)
        )

    def word_rarity(self, word: str) -> float:
        """BM25's idf of a plain word (a word no article has counts as the rarest)."""
        n = self._word_counts.get(word, 0)
        total = max(len(self.documents), 1)
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    def expand(self, query_terms: Sequence[str]) -> list[QueryTerm]:
        """The query's terms as the index knows them: exact, split, joined, or nearest spelling."""
        found: list[QueryTerm] = []
        seen: set[str] = set()

        def keep(term: str, source: str, closeness: float) -> None:
            if term not in seen:
                seen.add(term)
                found.append(QueryTerm(term, source, closeness))

        for i, word in enumerate(query_terms):
            if word in self.postings:
                keep(word, word, 1.0)
            else:
                for near, closeness in self._near(word):
                    keep(near, word, closeness)
            if i + 1 < len(query_terms):
                joined = word + query_terms[i + 1]
                if joined in self.postings:
                    keep(joined, word, 1.0)
        return found

    def _near(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words within a typo or two of `word`, or the two words it glues together."""
        if len(word) < 4:
            return []
        shared: Counter[str] = Counter()
        for gram in _grams(word):
            for term in self.grams.get(gram, ()):
                shared[term] += 1
        needed = max(1, len(_grams(word)) // 3)
        scored = []
        for term, hits in shared.items():
            if hits < needed or abs(len(term) - len(word)) > 3 or term not in self.postings:
                continue
            if term == word:
                continue
            similarity = fuzz.ratio(word, term)
            if similarity >= FUZZY_MIN:
                scored.append((term, similarity / 100))
        scored.sort(key=lambda pair: -pair[1])
        near = scored[:3]
        if not near:
            for cut in range(3, len(word) - 2):
                left, right = word[:cut], word[cut:]
                if left in self.postings and right in self.postings:
                    near = [(left, 0.9), (right, 0.9)]
                    break
        return near

    def strongest(self, term: str) -> list[tuple[str, float]]:
        """A term's postings, strongest first, cut at POSTINGS_CAP (cached until it changes)."""
        cached = self._strongest.get(term)
        if cached is None:
            postings = self.postings.get(term, {})
            cached = heapq.nlargest(POSTINGS_CAP, postings.items(), key=lambda pair: pair[1])
            self._strongest[term] = cached
        return cached


def typed_words(document: Document) -> Counter[str]:
    """The words of all the article's fields as written, filler dropped."""
    return Counter(plain_words(" ".join(document.field_text(name) for name in FIELDS)))


def _grams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}
