"""Experiment (issue 7): token-alignment similarity as an extra grouping feature. "unshared" was later
checked once on the confirmation topics (--confirm: F1 0.354 -> 0.494) and shipped as
grouping.EMBEDDING_PARAMS (computed there on each text's 32 nearest candidate pairs only).

Per distinct proposition text, MiniLM's per-token last hidden states (unit rows; [CLS], [SEP] and
punctuation dropped). Two pair features from them:
  bertscore  BERTScore F1: each token's best cosine in the other text, IDF-weighted over the texts being
             grouped, precision and recall averaged harmonically;
  unshared   the same alignment over only the content tokens (not in grouping.py's stop list) whose
             wordpiece the other text lacks, mean of both directions: do the words that differ still
             have a counterpart (a paraphrase) or not (a near-miss: another number, actor, predicate)?
Raw similarity = w * pooled cosine + q * predicate cosine + lx * lexical + b * token feature, then
local scaling and average linkage as shipped; all weights and the threshold chosen on DEV topics.

    OMP_NUM_THREADS=1 python bench/claims_tokens.py          # dev: tuned F1 per feature, topic-half CV
    OMP_NUM_THREADS=1 python bench/claims_tokens.py --test   # also test, once, with the dev choices
    OMP_NUM_THREADS=1 python bench/claims_tokens.py --confirm  # the confirmation set, frozen dev choices
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import claims as B  # noqa: E402  (bench/claims.py; puts src on sys.path)

from claimledger import claims as C  # noqa: E402
from claimledger import grouping as G  # noqa: E402

FEATURES = ("none", "bertscore", "unshared")
THRESHOLDS = np.arange(-0.2, 0.3, 0.01)
# What `tune` picked on the dev topics of --data all (commit 690b0c4, printed by this script without
# --confirm), frozen so that the confirmation set is scored without any re-tuning:
# (feature, b, q, lex, k, floor, t).
FROZEN = {"none": ("none", 0.0, 0.1, 0.0, 5, 0.0, -0.04),
          "bertscore": ("bertscore", 0.1, 0.1, 0.0, 5, 0.0, -0.04),
          "unshared": ("unshared", 0.7, 0.1, 0.0, 5, 0.0, -0.06)}


def token_states(embedder, texts: list[str]) -> tuple[list[np.ndarray], list[list[str]]]:
    """Unit token vectors and wordpieces per text (one text per run: no padding to mask)."""
    embedder._load()
    states, pieces = [], []
    for text in texts:
        enc = embedder._tokenizer.encode_batch([text])[0]
        ids = np.array([enc.ids], dtype=np.int64)
        hidden = embedder._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                              "token_type_ids": np.zeros_like(ids)})[0][0]
        keep = [i for i, t in enumerate(enc.tokens)
                if t not in ("[CLS]", "[SEP]") and any(ch.isalnum() for ch in t)]
        h = hidden[keep]
        states.append((h / np.linalg.norm(h, axis=1, keepdims=True)).astype(np.float32))
        pieces.append([enc.tokens[i] for i in keep])
    return states, pieces


def token_features(states: list[np.ndarray], pieces: list[list[str]]) -> dict[str, np.ndarray]:
    n = len(states)
    df: dict[str, int] = {}
    for row in pieces:
        for p in set(row):
            df[p] = df.get(p, 0) + 1
    idf = [np.array([np.log((n + 1) / (df[p] + 1)) for p in row], dtype=np.float32) for row in pieces]
    content = [np.array([p not in G._STOP for p in row]) for row in pieces]
    bert, unshared = np.eye(n, dtype=np.float32), np.eye(n, dtype=np.float32)
    for i, j in itertools.combinations(range(n), 2):
        s = states[i] @ states[j].T
        best_i, best_j = s.max(axis=1), s.max(axis=0)
        p = float(best_i @ idf[i] / max(idf[i].sum(), 1e-9))
        r = float(best_j @ idf[j] / max(idf[j].sum(), 1e-9))
        bert[i, j] = bert[j, i] = 2 * p * r / max(p + r, 1e-9)
        only_i = content[i] & ~np.isin(pieces[i], pieces[j])
        only_j = content[j] & ~np.isin(pieces[j], pieces[i])
        a = float(best_i[only_i].mean()) if only_i.any() else 1.0
        b = float(best_j[only_j].mean()) if only_j.any() else 1.0
        unshared[i, j] = unshared[j, i] = (a + b) / 2
    return {"bertscore": bert, "unshared": unshared}


class Split:
    """One split's items, gold and feature matrices (per attribution; every bench content is distinct)."""

    def __init__(self, rows, dates, split: str, embedder) -> None:
        self.reports, self.gold = B.build_reports([g for g in rows if g.split == split], dates)
        items = C._items(self.reports)
        self.keys = [f"{it.article_id}/{it.attribution['id']}" for it in items]
        self.topics = [self.gold[(it.article_id, it.attribution["id"])].topic for it in items]
        self.gold_of = {f"{a}/{b}": g.prop for (a, b), g in self.gold.items()}
        texts = [it.match_text for it in items]
        assert len(set(texts)) == len(texts)
        v = embedder.embed(texts)
        p = embedder.embed(G.predicate_phrases(texts))
        self.m = {"cos": v @ v.T, "pred": p @ p.T, "lex": G.lexical_matrix(texts), "none": np.zeros((len(texts),) * 2)}
        self.m.update(token_features(*token_states(embedder, texts)))

    def raw(self, cfg: tuple) -> np.ndarray:
        feature, b, q, lx, *_ = cfg
        return (1 - b - q - lx) * self.m["cos"] + q * self.m["pred"] + lx * self.m["lex"] + b * self.m[feature]

    def groups(self, cfg: tuple, idx: list[int]) -> list[list[int]]:
        *_, k, floor, t = cfg
        sim = G.local_scaling(self.raw(cfg)[np.ix_(idx, idx)], k, floor)
        return [[idx[x] for x in g] for g in G.average_linkage(sim, t)]

    def f1(self, cfg: tuple, idx: list[int]) -> dict[str, float]:
        keys = [[self.keys[i] for i in g] for g in self.groups(cfg, idx)]
        return B.pairwise(keys, {self.keys[i]: self.gold_of[self.keys[i]] for i in idx})


def grid(feature: str) -> Iterator[tuple]:
    weights = (0.0,) if feature == "none" else (0.1, 0.2, 0.3, 0.4, 0.5, 0.7)
    for b in weights:
        for q in (0.0, 0.1, 0.2):
            for lx in (0.0, 0.1):
                if b + q + lx <= 1.0:
                    for k, floor in ((5, 0.3), (3, 0.3), (8, 0.3), (5, 0.0)):
                        for t in THRESHOLDS:
                            yield feature, b, q, lx, k, floor, round(float(t), 2)


def tune(split: Split, feature: str, idx: list[int]) -> tuple[float, tuple]:
    best: tuple[float, tuple] = (-1.0, ())
    for cfg in grid(feature):
        f1 = split.f1(cfg, idx)["f1"]
        if f1 >= best[0]:
            best = (f1, cfg)
    return best


def board(split: Split, cfg: tuple) -> str:
    """P/R/F1 and stance through the real board (build_claims), with these groups patched in."""
    everything = list(range(len(split.keys)))
    groups = split.groups(cfg, everything)
    sim = G.local_scaling(split.raw(cfg), cfg[4], cfg[5])
    shipped = C.group_items
    C.group_items = lambda items, *a, **k: (groups, [G._centrality(sim[np.ix_(g, g)]) for g in groups])
    try:
        scores, claims = B.run_split(split.reports, split.gold, None, None)
    finally:
        C.group_items = shipped
    stance, n = B.board_stance(claims, split.gold)
    return (f"P={scores['precision']:.3f} R={scores['recall']:.3f} F1={scores['f1']:.3f} "
            f"groups={scores['pred_groups']}/{scores['gold_groups']} stance on board={stance:.3f} (n={n})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--test", action="store_true", help="also score test once with the dev-chosen settings")
    ap.add_argument("--cv", type=int, default=3, help="repetitions of the topic-half cross-validation on dev")
    ap.add_argument("--confirm", action="store_true",
                    help="only score the confirmation topics with the FROZEN dev choices (no tuning)")
    args = ap.parse_args()
    embedder = C.resolve_embedder(True)
    if args.confirm:
        rows, _, dates = B.parse(B.SETS["confirm"])
        confirm = Split(rows, dates, "confirm", embedder)
        for feature, cfg in FROZEN.items():
            print(f"confirm    {feature:9} {board(confirm, cfg)}")
        return
    rows, _, dates = B.parse(B.SETS["all"])
    dev = Split(rows, dates, "dev", embedder)
    everything = list(range(len(dev.keys)))
    chosen = {}
    for feature in FEATURES:
        f1, cfg = tune(dev, feature, everything)
        chosen[feature] = cfg
        print(f"dev tuned  {feature:9} F1={f1:.3f} (feature, b, q, lex, k, floor, t)={cfg}", flush=True)
        print(f"           {board(dev, cfg)}")
    # Tune on half of the dev topics, score the other half: how much of a dev gain is grid selection.
    rng = np.random.default_rng(0)
    topics = sorted(set(dev.topics))
    for rep in range(args.cv):
        perm = list(rng.permutation(topics))
        halves = [set(perm[0::2]), set(perm[1::2])]
        line = []
        for feature in FEATURES:
            held = []
            for half in halves:
                train = [i for i, t in enumerate(dev.topics) if t not in half]
                other = [i for i, t in enumerate(dev.topics) if t in half]
                held.append(dev.f1(tune(dev, feature, train)[1], other)["f1"])
            line.append(f"{feature}={np.mean(held):.3f}")
        print(f"dev topic-half CV rep {rep}: held-out F1 " + " ".join(line), flush=True)
    if args.test:
        test = Split(rows, dates, "test", embedder)
        for feature in FEATURES:
            print(f"test       {feature:9} {board(test, chosen[feature])}")


if __name__ == "__main__":
    main()
