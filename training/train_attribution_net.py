"""Train the neural attribution tagger (src/claimledger/models/attribution_net.npz) on PolNeAR train.

    python training/train_attribution_net.py                      # all of train -> shipped model
    python training/train_attribution_net.py --holdout-per-outlet 12 --out /tmp/nn/h.npz   # tuning run

Inputs are the CRF's token features (attribution_model.paragraph_features) and BIO labels made the
same way as for the CRF (train_attribution_crf.token_labels), from the same cached parse. With
--holdout, each epoch is scored on the held-out articles (exact run F1 per role) and the best epoch
is kept; without it, the model trains for --epochs (the count chosen on the held-out run).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "training"))

from thinc.api import Adam, fix_random_seed

from claimledger import attribution_model as am
from claimledger import attribution_net as net
import train_attribution_crf as crf_training


def run_f1(gold: list[list[str]], pred: list[list[str]]) -> dict[str, float]:
    """Exact-match F1 of labelled runs per role, over paragraphs."""
    scores = {}
    for role in am.ROLES:
        tp = n_gold = n_pred = 0
        for g, p in zip(gold, pred):
            gr = {(r.start, r.end) for r in am.runs_from_labels(g) if r.role == role}
            pr = {(r.start, r.end) for r in am.runs_from_labels(p) if r.role == role}
            tp += len(gr & pr)
            n_gold += len(gr)
            n_pred += len(pr)
        scores[role] = 2 * tp / max(1, n_gold + n_pred)
    return scores


def batches(items: list, max_tokens: int) -> list[list]:
    out, cur, size = [], [], 0
    for item in items:
        cur.append(item)
        size += item[0][2]
        if size >= max_tokens:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, default=crf_training.DEFAULT_TRAIN)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/crf"))
    ap.add_argument("--out", type=Path, default=net.MODEL_PATH)
    crf_training.add_held_out_options(ap)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-tokens", type=int, default=2000)
    ap.add_argument("--learn-rate", type=float, default=0.001)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--feature-dropout", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    fix_random_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()
    articles = crf_training.load_jsonl(args.train)
    docs = crf_training.parsed_docs(articles, args.cache / (args.train.stem + ".spacy"))
    train_arts, train_docs, held_arts, held_docs = crf_training.split_held_out(
        articles, docs, args.holdout, args.holdout_per_outlet)
    data = [(net.encode(feats), np.array([net.LABEL_INDEX[x] for x in labels]))
            for feats, labels in crf_training.sequences(train_docs, train_arts)]
    held = [(net.encode(feats), labels) for feats, labels in crf_training.sequences(held_docs, held_arts)]
    print(f"{len(train_arts)} articles, {sum(len(y) for _, y in data)} tokens, encoded in {time.time() - t0:.0f}s",
          flush=True)

    model = net.build_model(dropout=args.dropout, feature_dropout=args.feature_dropout)
    model.initialize(X=[data[0][0]], Y=[np.zeros((1, len(net.LABELS)), dtype="float32")])
    optimizer = Adam(args.learn_rate)
    best = (-1.0, 0)
    for epoch in range(1, args.epochs + 1):
        t1 = time.time()
        rng.shuffle(data)
        loss = sum(net.update(model, optimizer, batch) for batch in batches(data, args.batch_tokens))
        line = f"epoch {epoch}: loss {loss:.0f} ({time.time() - t1:.0f}s)"
        if held:
            with model.use_params(optimizer.averages):
                pred = [net.decode(p) for p in model.predict([x for x, _ in held])]
            f1 = run_f1([y for _, y in held], pred)
            line += "  held-out run F1 " + " ".join(f"{r.lower()} {100 * v:.1f}" for r, v in f1.items())
            total = sum(f1.values())
            if total > best[0]:
                best = (total, epoch)
                with model.use_params(optimizer.averages):
                    net.save(model, args.out)
        print(line, flush=True)
    if not held:
        with model.use_params(optimizer.averages):
            net.save(model, args.out)
    else:
        print(f"best epoch {best[1]}", flush=True)
    print(f"model {args.out.stat().st_size / 1e6:.1f} MB -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
