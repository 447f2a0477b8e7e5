"""`python -m kb bench`: suggestion time and memory on a large generated knowledge base.

The articles are built from desk vocabulary plus made-up product names, so the vocabulary is as
large as a real base's and common words have long postings. The build time counts the index's
own work, not the making of the generated articles it reads. Queries are article titles and
symptoms as people type them: shuffled, cut short, misspelt, with chat filler around them.
"""

from __future__ import annotations

import random
import resource
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass

from kb.index import Document, Index
from kb.matcher import Matcher


def _split(text: str) -> list[str]:
    return text.split()


SYSTEMS = _split(
    """outlook teams vpn printer scanner laptop docking wifi payroll sharepoint onedrive excel
    word browser chrome edge firefox zoom webex badge phone headset monitor keyboard mouse
    citrix sap salesforce jira confluence mailbox calendar authenticator password account
    network drive server backup antivirus firewall proxy certificate bluetooth camera
    microphone"""
)
PROBLEMS = _split(
    """will not start keeps crashing is slow cannot connect drops every few minutes shows an
    error asks for password again locked out not syncing missing after update freezes on login
    prints blank pages stuck in queue cannot find file access denied quota exceeded
    certificate expired license expired blue screen no sound no video battery drains overheats"""
)
CONTEXTS = _split(
    """at home in the office on the train after the update since monday on my new laptop for the
    whole team in the meeting room when docked over vpn on guest wifi with two monitors during
    payroll run at month end"""
)
FILLER = _split("hi team please help urgent again today sorry thanks asap quick question")
STEPS = _split(
    """restart the device check the cable sign out and sign in clear the cache update the driver
    reinstall the client reset the password check the status page open a case with the network
    team escalate to tier two collect the logs note the error code try another port"""
)


@dataclass(frozen=True)
class BenchResult:
    articles: int
    queries: int
    build_seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    peak_rss_mb: float
    index_rss_mb: float


def generate(count: int, seed: int = 7) -> Iterator[Document]:
    rng = random.Random(seed)
    products = [_made_up_word(rng) for _ in range(5000)]
    for n in range(1, count + 1):
        system = rng.choice(SYSTEMS + products)
        problem = " ".join(rng.sample(PROBLEMS, 3))
        title = f"{system} {problem} {' '.join(rng.sample(CONTEXTS, 2))}"
        symptoms = (f"{system} {' '.join(rng.sample(PROBLEMS, 4))}", f"error {rng.randint(1, 999)}")
        body = " ".join(rng.choice(STEPS + products[:200]) for _ in range(60))
        yield Document(
            key=f"KB-{n}",
            title=title,
            symptoms=symptoms,
            keywords=(system, rng.choice(products)),
            body=body,
        )


def queries(articles: int, count: int, seed: int = 11) -> list[str]:
    """Queries made from the titles of `count` generated articles (generated again, so the
    bench does not hold the articles beside the index)."""
    rng = random.Random(seed)
    picks = [rng.randrange(articles) for _ in range(count)]
    wanted = set(picks)
    titles = {n: d.title for n, d in enumerate(generate(articles)) if n in wanted}
    out = []
    for pick in picks:
        words = titles[pick].split()
        words = rng.sample(words, k=max(2, len(words) * 2 // 3))  # shuffled, cut short
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            words[i] = _typo(rng, words[i])
        out.append(" ".join([rng.choice(FILLER), *words, rng.choice(FILLER)]))
    return out


def run(articles: int = 100_000, count: int = 500) -> BenchResult:
    before = _rss_mb()
    made = _Timed(generate(articles))
    started = time.perf_counter()
    index = Index()
    index.add_all(made)
    build = time.perf_counter() - started - made.seconds
    matcher = Matcher(index)
    asked = queries(articles, count)
    for text in asked[:20]:  # warm caches as a running bot would have
        matcher.rank(text, limit=3)
    times = []
    for text in asked:
        begun = time.perf_counter()
        matcher.rank(text, limit=3)
        times.append((time.perf_counter() - begun) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    peak = _rss_mb()
    return BenchResult(
        articles=articles,
        queries=count,
        build_seconds=round(build, 1),
        p50_ms=round(cuts[49], 2),
        p95_ms=round(cuts[94], 2),
        max_ms=round(max(times), 2),
        peak_rss_mb=round(peak, 1),
        index_rss_mb=round(peak - before, 1),
    )


class _Timed:
    """Generated articles, with the time spent making them (not part of the build)."""

    def __init__(self, documents: Iterator[Document]) -> None:
        self._documents = documents
        self.seconds = 0.0

    def __iter__(self) -> Iterator[Document]:
        return self

    def __next__(self) -> Document:
        started = time.perf_counter()
        try:
            return next(self._documents)
        finally:
            self.seconds += time.perf_counter() - started


def _rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _made_up_word(rng: random.Random) -> str:
    syllables = ["ka", "ro", "ti", "an", "ex", "lu", "mo", "ver", "sa", "qui", "dex", "tor"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
