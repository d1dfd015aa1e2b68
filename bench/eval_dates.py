"""Measure dates.extract on the TempEval-3 training data (TimeBank / AQUAINT splits).

    python bench/eval_dates.py [--gold PATH] [--split TimeBank|AQUAINT|all] [--errors N]
                               [--include-unresolved] [--out DIR]

TimeBank (183 docs) was used for development; AQUAINT (73 docs) was kept as a held-out check until
its first measurement (figures in the issue-5 closing note), after which its errors were read too.

Parses every gold document once with claimledger's pipeline (load_nlp(), chunked like analyze) and
caches the Docs as a DocBin under /tmp/dates/, then runs only the `dates` stage per document, writes
the predictions as claimledger reports (jsonl) and calls the shared scorer on them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from spacy.tokens import DocBin

from claimledger import dates
from claimledger.nlp import load_nlp
from claimledger.pipeline import STAGES, ArticleInput, build_report, parse_many

try:
    from claimledger import stages  # noqa: F401  (registers the stages)
except ImportError as exc:
    # Another module being mid-edit must not stop the dates measurement: run the same stage alone.
    print(f"note: claimledger.stages did not import ({exc}); registering the dates stage only", file=sys.stderr)
    STAGES["dates"] = lambda doc, report: setattr(report, "dates", dates.extract(doc, report.article.published))

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
CACHE = Path("/tmp/dates")


def load_docs(gold_path: Path, records: list[dict]) -> list:
    """Parsed Docs for `records`, from the DocBin cache when it matches the gold file."""
    nlp = load_nlp()
    cache = CACHE / f"{gold_path.stem}.spacy"
    ids = CACHE / f"{gold_path.stem}.ids.json"
    if cache.exists() and ids.exists() and cache.stat().st_mtime >= gold_path.stat().st_mtime:
        cached = dict(zip(json.loads(ids.read_text()), DocBin().from_disk(cache).get_docs(nlp.vocab)))
        if all(r["id"] in cached for r in records):
            return [cached[r["id"]] for r in records]
    t0 = time.perf_counter()
    docs = list(parse_many(r["text"] for r in records))
    CACHE.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(cache)
    ids.write_text(json.dumps([r["id"] for r in records]))
    print(f"parsed {len(docs)} docs in {time.perf_counter() - t0:.1f}s (cached in {cache})", file=sys.stderr)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=EVAL / "dates" / "train.jsonl")
    ap.add_argument("--split", default="all", help="corpus to score: TimeBank, AQUAINT or all")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--include-unresolved", action="store_true",
                    help="also report spaCy DATE entities the grammar cannot resolve (resolved=None)")
    ap.add_argument("--out", type=Path, default=CACHE)
    a = ap.parse_args(argv)

    records = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    docs = load_docs(a.gold, records)
    keep = [i for i, r in enumerate(records) if a.split == "all" or r.get("corpus") == a.split]
    a.out.mkdir(parents=True, exist_ok=True)
    gold_split = a.out / f"gold_{a.split}.jsonl"
    pred_path = a.out / f"pred_{a.split}.jsonl"
    if a.include_unresolved:
        STAGES["dates"] = lambda doc, report: setattr(
            report, "dates", dates.extract(doc, report.article.published, include_unresolved=True))
    t0 = time.perf_counter()
    with gold_split.open("w", encoding="utf-8") as g, pred_path.open("w", encoding="utf-8") as p:
        for i in keep:
            r = records[i]
            g.write(json.dumps(r, ensure_ascii=False) + "\n")
            article = ArticleInput(text=r["text"], id=r["id"], published=r.get("published"))
            report = build_report(docs[i], article, stages=["dates"])
            p.write(json.dumps({"article": {"id": r["id"]}, "text": report.text,
                                "dates": [d.to_dict() for d in report.dates]}, ensure_ascii=False) + "\n")
    print(f"dates stage: {len(keep)} docs in {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    cmd = [sys.executable, str(EVAL / "score_dates.py"), str(gold_split), str(pred_path)]
    if a.errors:
        cmd += ["--errors", str(a.errors)]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
