"""Run claimledger's quantity extractor over the shared quantity gold sets and score it.

usage: python bench/eval_quantities.py [--errors N] [--set newsquant|recognizers_currency|all]

Writes /tmp/quant/pred_<set>.jsonl in the scorer's format and runs ../shared/eval/score_quantities.py.
Parsed docs are cached as a DocBin under /tmp/quant/ (the texts are never copied into the repo).

How our quantities map to the scorer's fields:
- `value`: the number; a range (value None, `range` set) is written as [lo, hi]; a change written
  "from A to B" is written as one item [A, B] (the gold's convention), other changes stay two items.
- `normalized_unit`: our readable `unit_name` ("euro", "kilometre", "percentage", the counted phrase),
  falling back to `unit` ("count" folds to no-unit in the scorer).
- `bound`: ours (exact/about/at_least/...); the scorer maps the usual wordings.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
EVAL = ROOT.parent / "shared" / "eval"
CACHE = Path("/tmp/quant")
BOUND_TO_CHANGE = {"exact": "=", "about": "~", "at_least": ">", "more_than": ">", "at_most": "<",
                   "less_than": "<"}


def docs_for(name: str, texts: list[str]):
    from spacy.tokens import DocBin

    from claimledger.nlp import load_nlp

    nlp = load_nlp()
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=64))
    db = DocBin(store_user_data=False)
    for d in docs:
        db.add(d)
    db.to_disk(path)
    return docs


def to_pred(quantities) -> list[dict]:
    out = []
    merged: set[str] = set()
    by_id = {q.id: q for q in quantities}
    for q in quantities:
        if q.id in merged:
            continue
        unit = q.unit_name or q.unit
        ch = q.change or {}
        if ch.get("type") == "from_to" and ch.get("written") == "from \u2026 to" and ch.get("from") == q.id \
                and ch.get("to") in by_id:
            other = by_id[ch["to"]]
            merged.add(other.id)
            value = [ch["from_value"], ch["to_value"]]
            unit = other.unit_name or other.unit or unit
            start, end = q.start, other.end
        elif q.range is not None:
            value, start, end = list(q.range), q.start, q.end
        else:
            value, start, end = q.value, q.start, q.end
        if value is None:
            continue
        out.append({"start": start, "end": end, "value": value, "normalized_unit": unit or "-",
                    "bound": BOUND_TO_CHANGE.get(q.bound, "=")})
    return out


def run(name: str, errors: int) -> None:
    from claimledger.quantities import extract

    gold_path = EVAL / "quantities" / f"{name}.jsonl"
    rows = [json.loads(line) for line in gold_path.open(encoding="utf-8") if line.strip()]
    docs = docs_for(name, [r["text"] for r in rows])
    pred_path = CACHE / f"pred_{name}.jsonl"
    with pred_path.open("w", encoding="utf-8") as f:
        for row, doc in zip(rows, docs):
            f.write(json.dumps({"id": row["id"], "quantities": to_pred(extract(doc))}) + "\n")
    print(f"== {name}")
    cmd = [sys.executable, str(EVAL / "score_quantities.py"), str(gold_path), str(pred_path)]
    if errors:
        cmd += ["--errors", str(errors)]
    subprocess.run(cmd, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="all", choices=["all", "newsquant", "recognizers_currency"])
    ap.add_argument("--errors", type=int, default=0)
    a = ap.parse_args()
    if not EVAL.exists():
        sys.exit(f"no eval data at {EVAL}")
    for name in (["newsquant", "recognizers_currency"] if a.set == "all" else [a.set]):
        run(name, a.errors)


if __name__ == "__main__":
    main()
