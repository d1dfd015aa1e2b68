"""Words per second of claimledger's full analysis vs plain spaCy nlp.pipe, same model, same texts.

    python bench/throughput.py [CORPUS.jsonl] [--limit N]

CORPUS defaults to ../shared/eval/polnear/dev.jsonl, else the bundled examples. Run by hand; prints numbers.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "polnear" / "dev.jsonl"


def load_texts(path: Path | None, limit: int | None) -> list[str]:
    if path and path.exists():
        texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))] * 50
    return texts[:limit] if limit else texts


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--stages", default=None,
                        help="comma-separated stages to run (default all), e.g. 'entities'")
    args = parser.parse_args()

    from claimledger import analyze_many
    from claimledger.nlp import load_nlp

    texts = load_texts(args.corpus, args.limit)
    words = sum(len(t.split()) for t in texts)
    nlp = load_nlp()
    list(nlp.pipe(texts[:4]))  # warm up both paths once
    stages = args.stages.split(",") if args.stages else None
    list(analyze_many(texts[:4], stages=stages))

    # Alternate the two and keep each one's best run: other load on the machine then hurts both alike.
    plain = full = float("inf")
    for _ in range(args.repeat):
        plain = min(plain, timed(lambda: [None for _ in nlp.pipe(texts, batch_size=args.batch_size)]))
        full = min(full, timed(lambda: [None for _ in analyze_many(texts, batch_size=args.batch_size,
                                                                    stages=stages)]))
    print(f"corpus: {args.corpus if args.corpus and args.corpus.exists() else 'examples'} "
          f"({len(texts)} articles, {words:,} words)")
    print(f"plain nlp.pipe:       {words / plain:10,.0f} words/s  ({plain:.1f} s)")
    print(f"claimledger analyze:  {words / full:10,.0f} words/s  ({full:.1f} s)  stages: {args.stages or 'all'}")
    print(f"ratio (full / plain): {plain / full:10.2f}")


if __name__ == "__main__":
    main()
