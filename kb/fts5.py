"""The yardstick: SQLite FTS5 with BM25, title weighted above body, as a desk would get for free.

`python -m kb eval` reports it beside the project's matcher on the same articles and queries, so
any claim that the matcher is better is measured, not asserted.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
_TOKEN = re.compile(r"\w+", re.UNICODE)


class Fts5Baseline:
    """An in-memory FTS5 table (Porter stemming) of (key, title, body), queried with OR of the
    query's words."""

    def __init__(self, documents: Iterable[tuple[str, str, str]]) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "key UNINDEXED, title, body, tokenize = 'porter unicode61')"
        )
        self._db.executemany("INSERT INTO docs (key, title, body) VALUES (?, ?, ?)", documents)
        self._db.commit()

    def search(self, query: str, limit: int = 5) -> list[str]:
        words = _TOKEN.findall(query.lower())
        if not words:
            return []
        expression = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        rows = self._db.execute(
            "SELECT key FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0.0, ?, ?) LIMIT ?",
            (expression, TITLE_WEIGHT, BODY_WEIGHT, limit),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def close(self) -> None:
        self._db.close()
