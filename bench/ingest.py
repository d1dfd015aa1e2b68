"""Ingest throughput: articles/s, share of time in storage vs analysis, ledger size per 1,000 articles.

    python bench/ingest.py [CORPUS.jsonl] [--db FILE|postgresql://...] [--limit N] [--commit-every N]

CORPUS defaults to ../shared/eval/polnear/train.jsonl. The ledger defaults to a fresh SQLite file in a
temporary directory (removed afterwards); a PostgreSQL URL should name an empty database. Run by hand;
prints numbers.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "polnear" / "train.jsonl"


def ledger_bytes(ledger) -> int:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    if ledger.target.path is not None:
        # Measured after the writer closed: SQLite has then checkpointed its WAL into the main file.
        return ledger.target.path.stat().st_size
    with ledger.engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT pg_database_size(current_database())")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--db", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--commit-every", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    from claimledger.ingest import InputProblem, read_inputs
    from claimledger.nlp import load_nlp
    from claimledger.store import Ledger

    if not args.corpus.exists():
        raise SystemExit(f"corpus not found: {args.corpus}")
    articles = [a for a in read_inputs([str(args.corpus)]) if not isinstance(a, InputProblem)]
    articles = articles[:args.limit] if args.limit else articles
    words = sum(len(a.text.split()) for a in articles)
    load_nlp()   # model loading is not part of ingest throughput

    with tempfile.TemporaryDirectory(prefix="claimledger-bench-") as tmp:
        db = args.db or str(Path(tmp) / "ledger.db")
        with Ledger.open(db, create=True) as ledger:
            empty = ledger_bytes(ledger)   # PostgreSQL: an empty database already takes several MB
            started = time.perf_counter()
            stats = ledger.ingest(articles, commit_every=args.commit_every, batch_size=args.batch_size)
            total = time.perf_counter() - started
            stored = ledger.count()
            rows = {name: ledger.count(name) for name in ("attributions", "entities", "quantities", "dates")}
            start_export = time.perf_counter()
            exported = sum(1 for _ in ledger.reports())
            export_s = time.perf_counter() - start_export
        with Ledger.open(db) as ledger:
            size = ledger_bytes(ledger)
            backend = ledger.target.backend

    storage = stats.storage_seconds
    print(f"corpus: {args.corpus} ({len(articles)} records, {stored} distinct texts stored, {words:,} words)")
    print(f"backend: {backend}, commit every {args.commit_every} articles")
    print("rows: " + ", ".join(f"{n} {name}" for name, n in rows.items()))
    print(f"ingest:   {total:8.1f} s  {stats.analyzed / total:8.2f} articles/s  {words / total:8,.0f} words/s")
    print(f"analysis: {total - storage:8.1f} s  ({(total - storage) / total:6.1%})")
    print(f"storage:  {storage:8.2f} s  ({storage / total:6.1%})  "
          f"{storage / max(stats.analyzed, 1) * 1000:.2f} ms per article")
    grown = size - empty
    print(f"size:     {size / 1e6:8.2f} MB  ({empty / 1e6:.2f} MB empty)  "
          f"{grown / max(stored, 1) * 1000 / 1e6:8.2f} MB per 1,000 articles")
    print(f"export:   {exported} reports rebuilt in {export_s:.2f} s ({exported / export_s:,.0f} reports/s)")


if __name__ == "__main__":
    main()
