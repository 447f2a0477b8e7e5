"""`python -m kb eval`: how often the right article comes first, in the top 3 and the top 5.

Reads the StackFAQ layout (articles: article_id, title, answers; queries: query_id, article_id,
half, query) and measures the project's matcher and the FTS5 BM25 baseline on the same data,
with the time each query takes. Thresholds are off here: ranking quality is what is measured.
"""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kb.fts5 import Fts5Baseline
from kb.index import Document, Index
from kb.learning import case_words
from kb.matcher import Matcher
from kb.text import synonyms_off


@dataclass(frozen=True)
class Query:
    query_id: str
    article_id: str
    half: str
    text: str


@dataclass(frozen=True)
class Figures:
    recall_at_1: float
    recall_at_3: float
    recall_at_5: float
    mrr: float
    p50_ms: float
    p95_ms: float
    queries: int


class EvalInputError(ValueError):
    """An input file is missing or not in the expected layout; the message says which."""


def load_articles(path: Path) -> list[Document]:
    documents = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalInputError(f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers = row.get("answers") or []
            documents.append(
                Document(
                    key=str(row["article_id"]),
                    title=str(row["title"]),
                    body="\n".join(str(a) for a in answers),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise EvalInputError(
                f"{path}:{number}: expected a JSON object with article_id, title and answers"
            ) from None
    return documents


def load_queries(path: Path) -> list[Query]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise EvalInputError(f"cannot read {path}: {exc.strerror}") from None
    wanted = {"query_id", "article_id", "half", "query"}
    if rows and not wanted <= set(rows[0]):
        raise EvalInputError(f"{path}: the header must name {', '.join(sorted(wanted))}")
    return [Query(r["query_id"], r["article_id"], r["half"], r["query"] or "") for r in rows]


def measure(search: Callable[[str], Sequence[str]], queries: Sequence[Query]) -> Figures:
    """Recall at 1/3/5, mean reciprocal rank (within the top 5) and per-query milliseconds."""
    ranks: list[int | None] = []
    times: list[float] = []
    for query in queries:
        started = time.perf_counter()
        found = list(search(query.text))[:5]
        times.append((time.perf_counter() - started) * 1000)
        ranks.append(found.index(query.article_id) + 1 if query.article_id in found else None)
    count = max(len(queries), 1)

    def recall(k: int) -> float:
        return round(sum(1 for r in ranks if r is not None and r <= k) / count, 4)

    return Figures(
        recall_at_1=recall(1),
        recall_at_3=recall(3),
        recall_at_5=recall(5),
        mrr=round(sum(1 / r for r in ranks if r is not None) / count, 4),
        p50_ms=round(_percentile(times, 50), 3),
        p95_ms=round(_percentile(times, 95), 3),
        queries=len(queries),
    )


def evaluate(articles: Path, queries_path: Path) -> dict[str, Figures]:
    documents = load_articles(articles)
    queries = load_queries(queries_path)
    ours = _ranker(documents)
    baseline = Fts5Baseline((d.key, d.title, d.body) for d in documents)
    try:
        return {
            "casedesk": measure(ours, queries),
            "fts5_bm25": measure(baseline.search, queries),
        }
    finally:
        baseline.close()


def split_history(queries: Sequence[Query]) -> tuple[list[Query], list[Query]]:
    """Each article's queries alternately into the desk's history (as if each had been a case
    its suggestion fixed) and the held-out queries measured after learning from it."""
    seen: dict[str, int] = {}
    history: list[Query] = []
    held: list[Query] = []
    for query in sorted(queries, key=lambda q: (q.article_id, q.query_id)):
        turn = seen.get(query.article_id, 0)
        seen[query.article_id] = turn + 1
        (history if turn % 2 == 1 else held).append(query)
    return history, held


def ablation(articles: Path, queries_path: Path) -> dict[str, Figures]:
    """The matcher without synonyms, with the general groups, and with words learned from
    half the queries (KB-6), all measured on the other half, beside FTS5 on that half."""
    documents = load_articles(articles)
    history, held = split_history(load_queries(queries_path))
    results: dict[str, Figures] = {}
    with synonyms_off():
        results["none"] = measure(_ranker(documents), held)
    results["general"] = measure(_ranker(documents), held)
    taught: dict[str, list[str]] = {}
    for query in history:
        taught.setdefault(query.article_id, []).append(case_words(query.text))
    expanded = [replace(d, learned=tuple(taught.get(d.key, ()))) for d in documents]
    results["learned"] = measure(_ranker(expanded), held)
    baseline = Fts5Baseline((d.key, d.title, d.body) for d in documents)
    try:
        results["fts5_bm25"] = measure(baseline.search, held)
    finally:
        baseline.close()
    return results


def _ranker(documents: Sequence[Document]) -> Callable[[str], list[str]]:
    index = Index()
    index.add_all(documents)
    matcher = Matcher(index)
    return lambda text: [hit.key for hit in matcher.rank(text, limit=5, threshold=0.0)]


def as_json(results: dict[str, Figures]) -> str:
    return json.dumps({name: _public(figures) for name, figures in results.items()}, indent=2)


def as_table(results: dict[str, Figures]) -> str:
    names = list(results)
    rows = [f"{'':14}" + "".join(f"{n:>12}" for n in names)]
    for key in ("recall_at_1", "recall_at_3", "recall_at_5", "mrr", "p50_ms", "p95_ms"):
        rows.append(f"{key:14}" + "".join(f"{_public(results[n])[key]:>12}" for n in names))
    queries = next(iter(results.values())).queries if results else 0
    rows.append(f"({queries} queries)")
    return "\n".join(rows)


def _public(figures: Figures) -> dict[str, float]:
    data = asdict(figures)
    data.pop("queries")
    return data


def _percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
