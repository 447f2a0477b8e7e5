"""Character likeness (KB-2): how alike a query and an article are, letter by letter.

People and articles often share a root but not a word: "unfriended" and "friend",
"paragraf" and "paragraph", "exe" and "executable", "indentation" and "indent". Words become
their letter groups of 3 and 4 ("<fr", "fri", "frie" ...), each weighted by how rare the word
is, and the query's and the article's groups are compared as vectors (cosine, 0 to 1). That is
the subword idea of fastText without a trained model: it needs only the articles' own words,
taken as typed (not stemmed: the endings people share with an article count too).

An article's vector is built when it is first a candidate and kept with the index's view of
it (`kb.index`, a bounded cache), so a large base costs memory only for the articles people's
questions reach.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache

SIZES = (3, 4)

Vector = dict[str, float]


@lru_cache(maxsize=100_000)
def letter_groups(term: str) -> tuple[str, ...]:
    """A term's distinct letter groups, word edges marked: "vpn" -> "<vp", "vpn", "pn>", "<vpn",
    "vpn>" (each once, so a run of one letter cannot outweigh the rest of a query)."""
    padded = f"<{term}>"
    return tuple(
        dict.fromkeys(padded[i : i + n] for n in SIZES for i in range(len(padded) - n + 1))
    )


def vector(counts: Mapping[str, int], rarity: Callable[[str], float]) -> Vector:
    """Unit-length letter-group vector of a bag of terms, each weighted (1 + log count) x rarity."""
    weights: dict[str, float] = {}
    for term, count in counts.items():
        weight = (1 + math.log(count)) * rarity(term) if count > 0 else 0.0
        for group in letter_groups(term):
            weights[group] = weights.get(group, 0.0) + weight
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm == 0:
        return {}
    return {group: w / norm for group, w in weights.items()}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(w * get(group, 0.0) for group, w in a.items())
