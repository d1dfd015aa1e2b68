"""Score the rule-based attribution extractor on a PolNeAR-format JSONL file.

    python bench/eval_attributions.py GOLD.jsonl [--pred OUT.jsonl] [--cache DOCS.spacy]

Writes one prediction line per article (report-shaped: article.id + attributions, a split quote
given as its list of parts) and runs the shared scorer on it. `--cache` keeps the parsed Docs in a
spaCy DocBin so repeated runs do not re-parse the corpus.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spacy.tokens import DocBin

from claimledger import attribution, entities
from claimledger.nlp import load_nlp
from claimledger.pipeline import parse_many

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score_attributions.py"


def parsed(texts: list[str], cache: Path | None):
    nlp = load_nlp()
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(texts) and all(d.text == t for d, t in zip(docs, texts)):
            return docs
    docs = list(parse_many(texts))
    if cache:
        db = DocBin(store_user_data=False)
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def prediction(doc, article_id: str) -> dict:
    attrs, _ = attribution.extract(doc, entities.extract(doc))
    out = []
    for a in attrs:
        if a.within:  # PolNeAR annotates no statement reported within another's
            continue
        d = a.to_dict()
        if a.content_parts:
            d["content"] = [p.to_dict() for p in a.content_parts]
        out.append(d)
    return {"article": {"id": article_id}, "attributions": out}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", type=Path)
    ap.add_argument("--pred", type=Path, default=Path("/tmp/attr/pred.jsonl"))
    ap.add_argument("--cache", type=Path, default=None)
    a = ap.parse_args()
    rows = [json.loads(line) for line in a.gold.open(encoding="utf-8") if line.strip()]
    docs = parsed([r["text"] for r in rows], a.cache)
    a.pred.parent.mkdir(parents=True, exist_ok=True)
    with a.pred.open("w", encoding="utf-8") as fh:
        for row, doc in zip(rows, docs):
            fh.write(json.dumps(prediction(doc, row["id"])) + "\n")
    return subprocess.call([sys.executable, str(SCORER), str(a.gold), str(a.pred)])


if __name__ == "__main__":
    sys.exit(main())
