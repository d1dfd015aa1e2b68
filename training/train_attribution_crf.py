"""Train the attribution span CRF (src/claimledger/models/attribution_crf.crfsuite) on PolNeAR train.

    python training/train_attribution_crf.py                       # all of train -> shipped model
    python training/train_attribution_crf.py --holdout-per-outlet 12 --out /tmp/crf/h.crfsuite   # tuning run

Articles are parsed once with claimledger.nlp.load_nlp() and cached as a DocBin under --cache
(default /tmp/crf), so later runs only pay for feature extraction and CRF training.
Labels: BIO per token for SOURCE / CUE / CONTENT from the PolNeAR character spans.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spacy.tokens import Doc, DocBin

from claimledger import attribution_model as am
from claimledger.nlp import load_nlp

DEFAULT_TRAIN = ROOT.parent / "shared" / "eval" / "polnear" / "train.jsonl"
ROLE_OF = {"source": "SOURCE", "cue": "CUE", "content": "CONTENT"}
# When gold spans overlap (rare), the more specific role wins the token.
PRIORITY = {"CUE": 3, "SOURCE": 2, "CONTENT": 1}


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def parsed_docs(articles: list[dict], cache: Path) -> list[Doc]:
    """spaCy Docs for the articles, from the DocBin cache when its texts match."""
    nlp = load_nlp()
    if cache.is_file():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(articles) and all(d.text == a["text"] for d, a in zip(docs, articles)):
            return docs
    t0 = time.time()
    docs = list(nlp.pipe((a["text"] for a in articles), batch_size=16))
    db = DocBin(store_user_data=False)
    for d in docs:
        db.add(d)
    cache.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(cache)
    print(f"parsed {len(docs)} articles in {time.time() - t0:.0f}s -> {cache}", flush=True)
    return docs


def split_held_out(articles: list[dict], docs: list[Doc], last: int = 0,
                   per_outlet: int = 0) -> tuple[list[dict], list[Doc], list[dict], list[Doc]]:
    """(train articles, train docs, held-out articles, held-out docs). `last` holds out the last N
    articles; `per_outlet` the last N of each outlet (the id's prefix before "_"), which mirrors dev's
    mix of seven outlets: the last 84 of train are all from one outlet, and choices made on them
    carried over to dev only in part."""
    if per_outlet:
        by_outlet: dict[str, list[int]] = {}
        for i, art in enumerate(articles):
            by_outlet.setdefault(str(art["id"]).split("_")[0], []).append(i)
        held = {i for idxs in by_outlet.values() for i in idxs[-per_outlet:]}
    else:
        held = set(range(len(articles) - last, len(articles))) if last else set()
    keep = [i for i in range(len(articles)) if i not in held]
    out = sorted(held)
    return ([articles[i] for i in keep], [docs[i] for i in keep],
            [articles[i] for i in out], [docs[i] for i in out])


def add_held_out_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--holdout", type=int, default=0, help="leave out the last N articles (for tuning)")
    ap.add_argument("--holdout-per-outlet", type=int, default=0,
                    help="leave out the last N articles of each outlet (for tuning; 12 gives dev's size and mix)")


def token_labels(doc: Doc, attributions: list[dict]) -> dict[int, str]:
    """BIO label per token index (tokens outside every span are absent = O)."""
    role_at: dict[int, tuple[int, str, int]] = {}  # token i -> (priority, role, fragment id)
    frag_id = 0
    for att in attributions:
        for key, role in ROLE_OF.items():
            for frag in att.get(key) or []:
                frag_id += 1
                span = doc.char_span(frag["start"], frag["end"], alignment_mode="expand")
                if span is None:
                    continue
                toks = [t for t in span if not t.is_space]
                # Edge punctuation (quote marks, commas) is labelled inconsistently in PolNeAR and
                # the scorer ignores it; trimming it gives the CRF one consistent boundary.
                while len(toks) > 1 and toks[0].is_punct:
                    toks.pop(0)
                while len(toks) > 1 and toks[-1].is_punct:
                    toks.pop()
                for tok in toks:
                    old = role_at.get(tok.i)
                    if old is None or PRIORITY[role] > old[0]:
                        role_at[tok.i] = (PRIORITY[role], role, frag_id)
    labels: dict[int, str] = {}
    prev: tuple[str, int] | None = None
    prev_i = -2
    for i in sorted(role_at):
        _, role, fid = role_at[i]
        # A space token between two tokens of one fragment does not break the run.
        contiguous = prev is not None and prev == (role, fid) and all(
            doc[j].is_space for j in range(prev_i + 1, i))
        labels[i] = ("I-" if contiguous else "B-") + role
        prev, prev_i = (role, fid), i
    return labels


def sequences(docs: list[Doc], articles: list[dict]):
    """(features, labels) per paragraph over all articles."""
    for doc, art in zip(docs, articles):
        labels = token_labels(doc, art["attributions"])
        for toks in am.paragraphs(doc):
            yield am.paragraph_features(toks), [labels.get(t.i, "O") for t in toks]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", type=Path, default=DEFAULT_TRAIN)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/crf"))
    ap.add_argument("--out", type=Path, default=am.MODEL_PATH)
    add_held_out_options(ap)
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--max-iter", type=int, default=250)
    ap.add_argument("--minfreq", type=float, default=2)
    args = ap.parse_args()

    import pycrfsuite

    t0 = time.time()
    articles = load_jsonl(args.train)
    docs = parsed_docs(articles, args.cache / (args.train.stem + ".spacy"))
    articles, docs, _, _ = split_held_out(articles, docs, args.holdout, args.holdout_per_outlet)
    trainer = pycrfsuite.Trainer(verbose=False)
    n_tok = 0
    for feats, labels in sequences(docs, articles):
        trainer.append(feats, labels)
        n_tok += len(labels)
    print(f"{len(articles)} articles, {n_tok} tokens, features in {time.time() - t0:.0f}s", flush=True)
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.max_iter,
                        "feature.minfreq": args.minfreq, "feature.possible_transitions": True})
    t1 = time.time()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    last = trainer.logparser.last_iteration
    print(f"trained in {time.time() - t1:.0f}s ({last and last.get('num')} iterations), "
          f"model {args.out.stat().st_size / 1e6:.1f} MB -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
