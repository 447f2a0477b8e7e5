"""An inverted index of matching terms, compact enough for 100,000 articles in every worker.

Each article's fields (title, symptoms, keywords, body, and what the desk learned from its own
fixes) become terms (`kb.text`), and each term keeps the articles holding it with a BM25F weight
(field-weighted, length-normalised, saturated). The postings of a built index sit in three
numpy arrays (article slot, weight, where each term starts), sorted strongest first, so a common
word is read only down to its strongest entries. Articles added or changed one at a time go to a
small dict segment beside them, folded into the arrays when it grows (segments, as Lucene does).
An article's own text is kept zlib-compressed; what a query needs of it (head terms, passages,
letter vector) is rebuilt for the few candidates a query reaches and cached for the most recent.
A trigram index over the vocabulary finds the words a misspelt query word was meant to be.
"""

from __future__ import annotations

import json
import math
import threading
import zlib
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from kb.likeness import Vector, vector
from kb.passages import Passage, split
from kb.text import STOPWORDS, plain_words, terms, terms_of, words

FIELDS = ("title", "symptoms", "keywords", "body", "learned")
# How much a word counts where it appears: a title or symptom speaks for the whole article;
# words of the desk's own fixed cases (`learned`) describe it as its users do.
FIELD_WEIGHTS = np.array([5.0, 3.0, 3.0, 1.0, 2.0])
# Length normalisation per field (BM25F's b) and term saturation (k1).
FIELD_B = np.array([0.5, 0.5, 0.3, 0.9, 0.5])
K1 = 2.0
# Postings longer than this are read only down to their strongest entries.
POSTINGS_CAP = 4000
FUZZY_MIN = 80.0
GRAM = 3
# Articles whose query-time view (head terms, passages, letters) is kept.
VIEWS_CACHED = 1024
# Articles weighed at a time while building.
CHUNK = 4096
# Fold the dict segment into the arrays when it holds this many postings.
FRESH_MAX = 20_000

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Document:
    """The searchable text of one article."""

    key: str
    title: str
    symptoms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    body: str = ""
    learned: tuple[str, ...] = ()

    def field_text(self, name: str) -> str:
        value = getattr(self, name)
        return " . ".join(value) if isinstance(value, tuple) else str(value)


@dataclass(frozen=True)
class QueryTerm:
    """One term to look up, the query word it stands for and how sure the match is (0-1)."""

    term: str
    source: str
    closeness: float


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    counts: Counter[str]  # heading words counted HEADING_WEIGHT times
    length: int


@dataclass
class View:
    """What scoring needs of one candidate article, rebuilt from its stored text."""

    document: Document
    head_terms: frozenset[str]
    head_text: str
    passages: tuple[ScoredPassage, ...]
    vocabulary: frozenset[str]  # every term of the article, for spotting near-copies
    letters: Vector | None = None


# A passage's heading counts like this many mentions in its text.
HEADING_WEIGHT = 2


@dataclass
class Index:
    _keys: list[str | None] = field(default_factory=list)  # slot -> key, None when removed
    _slots: dict[str, int] = field(default_factory=dict)
    _blobs: list[bytes | None] = field(default_factory=list)
    _alive: bytearray = field(default_factory=bytearray)
    _term_ids: dict[str, int] = field(default_factory=dict)
    _terms: list[str] = field(default_factory=list)
    _df: array[int] = field(default_factory=lambda: array("i"))
    _grams: dict[str, array[int]] = field(default_factory=dict)
    _starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))
    _docs: Ints = field(default_factory=lambda: np.zeros(0, np.int32))
    _weights: Floats = field(default_factory=lambda: np.zeros(0, np.float32))
    _fresh: dict[int, dict[int, float]] = field(default_factory=dict)
    _fresh_size: int = 0
    _length_sums: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(len(FIELDS)))
    _word_counts: Counter[str] = field(default_factory=Counter)  # articles per plain word
    _views: OrderedDict[str, View] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- building -----------------------------------------------------------------------------
    def add_all(self, documents: Iterable[Document]) -> None:
        """Add many documents. They are weighed a chunk at a time with the average field
        lengths of all articles so far (a running estimate that settles within the first chunk
        of a homogeneous base; exact for a base of up to CHUNK articles), so the build never
        holds more than one chunk's word counts beside the finished postings."""
        found = array("Q")  # packed postings (`_pack`), sorted in place at the end
        columns = _columns()
        lengths = array("f")
        batch: set[str] = set()
        for document in documents:
            if document.key in batch:
                raise ValueError(f"{document.key} is given twice")
            batch.add(document.key)
            self.remove(document.key)
            self._new_slot(document)
            fields, field_lengths = self._analyse(document)
            lengths.extend(field_lengths)
            term_col, sizes, count_col = columns
            ids = self._term_ids
            for counts in fields:
                term_col.extend([ids.get(t) or self._term_id(t) for t in counts])
                count_col.extend(counts.values())
                sizes.append(len(counts))
            if len(lengths) >= CHUNK * len(FIELDS):
                self._weigh(columns, lengths, found)
                columns, lengths = _columns(), array("f")
        self._weigh(columns, lengths, found)
        del columns, lengths
        if found:
            self._unpack(found)
        self._views.clear()  # rarities moved with the new articles

    def _weigh(
        self,
        columns: tuple[array[int], array[int], array[int]],
        lengths: array[float],
        found: array[int],
    ) -> None:
        """One chunk's BM25F weights per (term, article), packed and appended to `found`."""
        term_col, sizes, count_col = columns
        if not sizes:
            return
        first = len(self._keys) - len(sizes) // len(FIELDS)
        per_field = np.frombuffer(lengths, np.float32).reshape(-1, len(FIELDS)).astype(np.float64)
        self._length_sums += per_field.sum(axis=0)
        if not term_col:  # articles with no words at all ("???")
            return
        norms = self._norms(per_field)
        per_run = np.frombuffer(sizes, np.int32)  # one run per (article, field)
        runs = np.arange(len(per_run), dtype=np.int32)
        slots = np.repeat(runs // len(FIELDS) + first, per_run).astype(np.int32)
        fields_ = np.repeat(runs % len(FIELDS), per_run)
        counts = np.frombuffer(count_col, np.int32).astype(np.float64)
        pseudo = FIELD_WEIGHTS[fields_] * counts / norms[slots - first, fields_]
        terms_ = np.frombuffer(term_col, np.int32)
        pair = terms_.astype(np.int64) * (len(self._keys) + 1) + slots
        order = np.argsort(pair, kind="stable")
        pair = pair[order]
        bounds = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        tf = np.add.reduceat(pseudo[order], bounds)
        new_terms = terms_[order][bounds]
        np.add.at(np.frombuffer(self._df, np.int32), new_terms, 1)
        weights = tf * (K1 + 1) / (tf + K1)
        found.frombytes(_pack(new_terms, slots[order][bounds], weights).tobytes())

    def _unpack(self, found: array[int]) -> None:
        """Sort the packed postings in place (term, then strongest first) and spread them
        into the arrays, a slice at a time, so the build needs no second copy of them."""
        packed = np.frombuffer(found, np.uint64)
        packed.sort()
        docs = np.empty(len(packed), np.int32)
        weights = np.empty(len(packed), np.float32)
        step = 1 << 20
        for start in range(0, len(packed), step):
            part = packed[start : start + step]
            docs[start : start + step] = part & _SLOT_MASK
            level = _LEVELS - ((part >> _SLOT_BITS) & _LEVELS).astype(np.float32)
            weights[start : start + step] = level * np.float32((K1 + 1) / _LEVELS)
        bounds = np.arange(len(self._terms) + 1, dtype=np.uint64) << np.uint64(_TERM_SHIFT)
        starts = np.searchsorted(packed, bounds).astype(np.int64)
        del packed
        if len(self._docs) or self._fresh:
            per_term = np.diff(starts)
            terms_ = np.repeat(np.arange(len(per_term), dtype=np.int32), per_term)
            self._fold(terms_, docs, weights)
        else:
            self._docs, self._weights, self._starts = docs, weights, starts

    def add(self, document: Document) -> None:
        """Add or replace one document (weights use the current average field lengths)."""
        self.remove(document.key)
        slot = self._new_slot(document)
        fields, field_lengths = self._analyse(document)
        row = np.array(field_lengths, np.float64)
        self._length_sums += row
        norms = self._norms(row.reshape(1, -1))[0]
        pseudo: dict[int, float] = {}
        for number, counts in enumerate(fields):
            for term, count in counts.items():
                tid = self._term_id(term)
                pseudo[tid] = pseudo.get(tid, 0.0) + FIELD_WEIGHTS[number] * count / norms[number]
        for tid, tf in pseudo.items():
            self._fresh.setdefault(tid, {})[slot] = tf * (K1 + 1) / (tf + K1)
            self._df[tid] += 1
        self._fresh_size += len(pseudo)
        if self._fresh_size > FRESH_MAX:
            self._fold()

    def remove(self, key: str) -> None:
        slot = self._slots.pop(key, None)
        if slot is None:
            return
        document = self._document(slot)
        self._keys[slot] = None
        self._blobs[slot] = None
        self._alive[slot] = 0
        with self._lock:
            self._views.pop(key, None)
        for word in set(plain_words(_all_text(document))):  # as `_analyse` counted them
            self._word_counts[word] -= 1
            if self._word_counts[word] <= 0:
                del self._word_counts[word]
        fields, field_lengths = self._analyse(document, count_words=False)
        self._length_sums -= np.array(field_lengths, np.float64)
        for term in {t for counts in fields for t in counts}:
            tid = self._term_ids[term]
            self._df[tid] -= 1
            fresh = self._fresh.get(tid)
            if fresh is not None and fresh.pop(slot, None) is not None:
                self._fresh_size -= 1

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, key: str) -> bool:
        return key in self._slots

    def _new_slot(self, document: Document) -> int:
        slot = len(self._keys)
        self._keys.append(document.key)
        self._slots[document.key] = slot
        packed = [document.title, document.symptoms, document.keywords, document.body]
        self._blobs.append(zlib.compress(json.dumps([*packed, document.learned]).encode(), 1))
        self._alive.append(1)
        return slot

    def _analyse(
        self, document: Document, *, count_words: bool = True
    ) -> tuple[list[Counter[str]], list[float]]:
        split_up = [words(document.field_text(name)) for name in FIELDS]
        if count_words:
            typed = {w for field_words in split_up for w in field_words}
            self._word_counts.update(typed - STOPWORDS)
        fields = [Counter(terms_of(field_words)) for field_words in split_up]
        return fields, [float(sum(c.values())) for c in fields]

    def _norms(self, lengths: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        averages = np.maximum(self._length_sums / max(len(self._slots), 1), 1.0)
        return np.asarray(1 - FIELD_B + FIELD_B * lengths / averages, np.float64)

    def _term_id(self, term: str) -> int:
        tid = self._term_ids.get(term)
        if tid is None:
            tid = len(self._terms)
            self._term_ids[term] = tid
            self._terms.append(term)
            self._df.append(0)
            for gram in _grams(term):
                self._grams.setdefault(gram, array("i")).append(tid)
        return tid

    def _fold(
        self,
        extra_terms: Ints | None = None,
        extra_slots: Ints | None = None,
        extra_weights: Floats | None = None,
    ) -> None:
        """Rebuild the arrays from the live postings already in them, the dict segment and
        `extra`: per term, strongest first."""
        counts = np.diff(self._starts)
        old_terms = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        alive = np.frombuffer(self._alive, np.uint8)
        keep = alive[self._docs] == 1 if len(self._docs) else np.zeros(0, bool)
        parts_t, parts_s, parts_w = [old_terms[keep]], [self._docs[keep]], [self._weights[keep]]
        fresh_t, fresh_s, fresh_w = array("i"), array("i"), array("f")
        for tid, postings in self._fresh.items():
            for slot, weight in postings.items():
                fresh_t.append(tid)
                fresh_s.append(slot)
                fresh_w.append(weight)
        parts_t.append(np.frombuffer(fresh_t, np.int32))
        parts_s.append(np.frombuffer(fresh_s, np.int32))
        parts_w.append(np.frombuffer(fresh_w, np.float32))
        if extra_terms is not None and extra_slots is not None and extra_weights is not None:
            parts_t.append(extra_terms)
            parts_s.append(extra_slots)
            parts_w.append(extra_weights)
        all_t, all_s, all_w = _joined(parts_t), _joined(parts_s), _joined(parts_w)
        del parts_t, parts_s, parts_w
        order = np.lexsort((-all_w, all_t))
        per_term = np.bincount(all_t, minlength=len(self._terms))
        del all_t
        self._docs = all_s[order].astype(np.int32, copy=False)
        del all_s
        self._weights = all_w[order].astype(np.float32, copy=False)
        del all_w, order
        self._starts = np.concatenate([[0], np.cumsum(per_term)]).astype(np.int64)
        self._fresh = {}
        self._fresh_size = 0

    # -- reading ------------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        tid = self._term_ids.get(term)
        n = self._df[tid] if tid is not None else 0
        total = max(len(self._slots), 1)
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    def known(self, term: str) -> bool:
        tid = self._term_ids.get(term)
        return tid is not None and self._df[tid] > 0

    def postings(self, term: str, limit: int) -> tuple[Ints, Floats]:
        """Up to `limit` of a term's strongest postings (slots, weights); removed articles may
        be among them (`alive` masks them)."""
        tid = self._term_ids.get(term)
        if tid is None:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        start = int(self._starts[tid]) if tid + 1 < len(self._starts) else 0
        end = int(self._starts[tid + 1]) if tid + 1 < len(self._starts) else 0
        docs, weights = self._docs[start : min(end, start + limit)], self._weights[start:end]
        weights = weights[: len(docs)]
        fresh = self._fresh.get(tid)
        if fresh:
            docs = np.concatenate([docs, np.fromiter(fresh.keys(), np.int32, len(fresh))])
            weights = np.concatenate([weights, np.fromiter(fresh.values(), np.float32, len(fresh))])
        return docs, weights

    def slots(self) -> int:
        return len(self._keys)

    def alive(self) -> npt.NDArray[np.uint8]:
        return np.frombuffer(self._alive, np.uint8)

    def key(self, slot: int) -> str | None:
        return self._keys[slot]

    def view(self, key: str) -> View:
        """The query-time view of an article, from a small cache of the most recent."""
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        document = self._document(self._slots[key])
        head = [*terms(document.title), *terms(" ".join(document.symptoms))]
        head += terms(" ".join(document.keywords))
        passages = tuple(_scored(p) for p in split(document.body))
        built = View(
            document=document,
            head_terms=frozenset(head),
            head_text=" ".join(terms(document.title)),
            passages=passages,
            vocabulary=frozenset(head).union(*(p.counts for p in passages)),
        )
        with self._lock:
            self._views[key] = built
            if len(self._views) > VIEWS_CACHED:
                self._views.popitem(last=False)
        return built

    def letters(self, key: str) -> Vector:
        """The article's letter-group vector (`kb.likeness`): its words as written (folded,
        filler dropped, not stemmed, so "unfriended" keeps its own letters), weighted by
        rarity among the articles."""
        view = self.view(key)
        if view.letters is None:
            typed = Counter(plain_words(_all_text(view.document)))
            view.letters = vector(typed, self.word_rarity)
        return view.letters

    def word_rarity(self, word: str) -> float:
        """BM25's idf of a plain word (a word no article has counts as the rarest)."""
        n = self._word_counts.get(word, 0)
        total = max(len(self._slots), 1)
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
            if self.known(word):
                keep(word, word, 1.0)
            else:
                for near, closeness in self._near(word):
                    keep(near, word, closeness)
            if i + 1 < len(query_terms):
                joined = word + query_terms[i + 1]
                if self.known(joined):
                    keep(joined, word, 1.0)
        return found

    def _near(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words within a typo or two of `word`, or the two words it glues together."""
        if len(word) < 4:
            return []
        shared: Counter[int] = Counter()
        grams = _grams(word)
        for gram in grams:
            shared.update(self._grams.get(gram, ()))
        needed = max(1, len(grams) // 3)
        scored = []
        for tid, hits in shared.items():
            term = self._terms[tid]
            if hits < needed or abs(len(term) - len(word)) > 3 or self._df[tid] <= 0:
                continue
            if term == word:
                continue
            similarity = fuzz.ratio(word, term)
            if similarity >= FUZZY_MIN:
                scored.append((term, similarity / 100))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        near = scored[:3]
        if not near:
            for cut in range(3, len(word) - 2):
                left, right = word[:cut], word[cut:]
                if self.known(left) and self.known(right):
                    near = [(left, 0.9), (right, 0.9)]
                    break
        return near

    def _document(self, slot: int) -> Document:
        blob = self._blobs[slot]
        key = self._keys[slot]
        if blob is None or key is None:
            raise KeyError(slot)
        title, symptoms, keywords, body, learned = json.loads(zlib.decompress(blob))
        return Document(key, title, tuple(symptoms), tuple(keywords), body, tuple(learned))


# A posting packed in 64 bits while building: term id, weight level (inverted, so that an
# ascending sort puts the strongest first) and article slot.
_SLOT_BITS = 28
_WEIGHT_BITS = 14
_TERM_SHIFT = _SLOT_BITS + _WEIGHT_BITS
_LEVELS = (1 << _WEIGHT_BITS) - 1
_SLOT_MASK = np.uint64((1 << _SLOT_BITS) - 1)


def _pack(terms_: Ints, slots: Ints, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.uint64]:
    if len(terms_) and (
        int(terms_.max()) >= 1 << (64 - _TERM_SHIFT) or int(slots.max()) >= 1 << _SLOT_BITS
    ):
        raise ValueError("the index holds at most 4 million words and 268 million articles")
    level = np.rint(weights / (K1 + 1) * _LEVELS).astype(np.uint64)
    packed = terms_.astype(np.uint64) << np.uint64(_TERM_SHIFT)
    packed |= (np.uint64(_LEVELS) - level) << np.uint64(_SLOT_BITS)
    packed |= slots.astype(np.uint64)
    return packed


def _joined(parts: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The parts end to end, without a copy when only one holds anything."""
    filled = [part for part in parts if len(part)]
    if len(filled) == 1:
        return filled[0]
    return np.concatenate(parts) if parts else np.zeros(0)


def _columns() -> tuple[array[int], array[int], array[int]]:
    """A chunk being built: term ids, how many terms each (article, field) has, counts."""
    return array("i"), array("i"), array("i")


def _scored(passage: Passage) -> ScoredPassage:
    """A passage's terms: its text and its heading, weighted (a passage is read under its
    heading, as BM25F weighs a title above a body; the article's title counts in the whole
    article's score)."""
    counts = Counter(terms(passage.text))
    length = sum(counts.values())
    for term in terms(passage.heading) if passage.heading else ():
        counts[term] += HEADING_WEIGHT
    return ScoredPassage(passage, counts, length)


def _all_text(document: Document) -> str:
    return " ".join(document.field_text(name) for name in FIELDS)


def _grams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}
