"""Score the analyzer with tuning models on articles held out of PolNeAR train, for choices made
without touching dev.

    python training/train_attribution_crf.py --holdout-per-outlet 12 --out /tmp/crf/h.crfsuite
    python training/train_attribution_net.py --holdout-per-outlet 12 --out /tmp/crf/h.npz
    python training/evaluate_held_out.py --crf /tmp/crf/h.crfsuite --net /tmp/crf/h.npz --holdout-per-outlet 12

Prints the same table as `claimledger evaluate attributions` (the definitions of
../shared/eval/score_attributions.py). --tagger-only scores the trained tagger alone (no rules);
--save writes the predictions for the shared scorer (with --gold-out, the held-out gold to score them against).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_attribution_crf as crf_training

from claimledger import attribution, entities, evaluate
from claimledger import attribution_model as am
from claimledger import attribution_net as net


def _tagged_rows(doc) -> list[dict]:
    return [{role: [{"start": s, "end": e} for s, e in getattr(t, role)] for role in ("source", "cue", "content")}
            for t in am.predict(doc)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, default=crf_training.DEFAULT_TRAIN)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/crf"))
    ap.add_argument("--crf", type=Path, required=True, help="CRF trained without the held-out articles")
    ap.add_argument("--net", type=Path, default=None, help="network trained without them (default: CRF alone)")
    crf_training.add_held_out_options(ap)
    ap.add_argument("--tagger-only", action="store_true")
    ap.add_argument("--save", type=Path, default=None)
    ap.add_argument("--gold-out", type=Path, default=None)
    args = ap.parse_args()
    if not (args.holdout or args.holdout_per_outlet):
        ap.error("say which articles were held out: --holdout N or --holdout-per-outlet N")

    am.MODEL_PATH = args.crf
    net.MODEL_PATH = args.net if args.net is not None else Path("/nonexistent")  # CRF alone
    articles = crf_training.load_jsonl(args.train)
    docs = crf_training.parsed_docs(articles, args.cache / (args.train.stem + ".spacy"))
    _, _, gold, held_docs = crf_training.split_held_out(articles, docs, args.holdout, args.holdout_per_outlet)
    predictions = []
    for art, doc in zip(gold, held_docs):
        if args.tagger_only:
            rows = _tagged_rows(doc)
        else:
            rows = [a.to_dict() for a in attribution.extract(doc, entities.extract(doc))[0]]
        predictions.append({"id": art["id"], "attributions": rows})
    for path, rows in ((args.save, predictions), (args.gold_out, gold)):
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r) + "\n" for r in rows)
    print(f"{len(gold)} held-out articles")
    print(evaluate.format_table(evaluate.score_attributions(gold, predictions)))


if __name__ == "__main__":
    main()
