"""`python -m kb sync|export|eval|bench`: the knowledge base from the command line.

sync and export use the database that the settings name (DATABASE_URL) and bring its schema up
to date first, as the bot does at start.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from config.policy import load_policy
from config.settings import load_settings
from kb.bench import run
from kb.evaluate import ablation, as_table, evaluate
from kb.evaluate import as_json as to_json
from kb.service import KnowledgeBase
from store.db import Database
from store.migrate import migrate

ARTICLES = Path(__file__).resolve().parent / "articles"
BASE_URL = "https://casedesk.example.org"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    sync = verbs.add_parser("sync", help="read a folder of Markdown articles into the database")
    sync.add_argument("folder", nargs="?", type=Path, default=ARTICLES)
    export = verbs.add_parser("export", help="write every article to a folder as Markdown")
    export.add_argument("folder", type=Path)
    evaluate = verbs.add_parser("eval", help="recall, MRR and speed against FTS5 BM25")
    evaluate.add_argument("--articles", type=Path, required=True, help="articles.jsonl")
    evaluate.add_argument("--queries", type=Path, required=True, help="queries.tsv")
    evaluate.add_argument("--json", action="store_true", help="one JSON object")
    evaluate.add_argument(
        "--ablation",
        action="store_true",
        help="no synonyms / general synonyms / learned from half the queries, on the other half",
    )
    bench = verbs.add_parser("bench", help="suggestion time and memory on generated articles")
    bench.add_argument("--articles", type=int, default=100_000)
    bench.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    try:
        if args.verb == "sync":
            return _sync(args.folder)
        if args.verb == "export":
            return _export(args.folder)
        if args.verb == "eval":
            return _eval(args.articles, args.queries, as_json=args.json, split=args.ablation)
        return _bench(args.articles, args.queries)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _knowledge_base() -> KnowledgeBase:
    settings = load_settings()
    policy = load_policy(settings.config_dir)
    db = Database(settings.database_url)
    migrate(db)
    return KnowledgeBase(db, base_url=BASE_URL, services=tuple(policy.services))


def _sync(folder: Path) -> int:
    report = _knowledge_base().sync(folder)
    print(f"{folder}:")
    print("\n".join(report.lines()))
    return 1 if report.invalid else 0


def _export(folder: Path) -> int:
    written = _knowledge_base().export(folder)
    print(f"wrote {len(written)} articles to {folder}")
    return 0


def _eval(articles: Path, queries: Path, *, as_json: bool, split: bool) -> int:
    results = ablation(articles, queries) if split else evaluate(articles, queries)
    print(to_json(results) if as_json else as_table(results))
    return 0


def _bench(articles: int, queries: int) -> int:
    if articles < 100 or queries < 10:
        raise ValueError("bench needs at least 100 articles and 10 queries")
    print(json.dumps(asdict(run(articles, queries)), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
