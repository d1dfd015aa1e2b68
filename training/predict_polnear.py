"""Write attribution_model.predict() output for a PolNeAR-format file, for the shared scorer.

    python training/predict_polnear.py ../shared/eval/polnear/dev.jsonl /tmp/crf/dev.pred.jsonl
    python ../shared/eval/score_attributions.py ../shared/eval/polnear/dev.jsonl /tmp/crf/dev.pred.jsonl

--model swaps in another weights file (tuning runs); --last N scores only the last N articles
(the train hold-out of `train_attribution_crf.py --holdout N`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_attribution_crf import load_jsonl, parsed_docs

from claimledger import attribution_model as am


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/crf"))
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--last", type=int, default=0)
    args = ap.parse_args()
    if args.model is not None:
        am.MODEL_PATH = args.model
    articles = load_jsonl(args.gold)
    docs = parsed_docs(articles, args.cache / (args.gold.stem + ".spacy"))
    if args.last:
        articles, docs = articles[-args.last:], docs[-args.last:]
    am.predict(docs[0])  # load the model outside the timing
    n_tok = sum(len(d) for d in docs)
    t0 = time.perf_counter()
    preds = [am.predict(d) for d in docs]
    dt = time.perf_counter() - t0
    with open(args.out, "w", encoding="utf-8") as fh:
        for art, atts in zip(articles, preds):
            rows = [{role: [{"start": s, "end": e} for s, e in getattr(a, role)]
                     for role in ("source", "cue", "content")} for a in atts]
            fh.write(json.dumps({"id": art["id"], "attributions": rows}) + "\n")
    print(f"{len(docs)} articles, {n_tok} tokens, predict() {dt:.2f}s = {n_tok / dt:,.0f} tokens/s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
