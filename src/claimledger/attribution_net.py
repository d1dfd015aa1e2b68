"""Neural attribution tagger: a small convolutional network over the CRF's own token features.

The CRF (`attribution_model`) weighs each hand-made feature alone; this network embeds the same
feature strings (hashed, so no vocabulary has to ship), mixes them non-linearly and lets a few
convolution layers see the neighbouring tokens' embeddings. Its per-token label probabilities are
averaged with the CRF's marginals in `attribution_model.tag`, which is where it pays: the two
models make different mistakes.

Pure numpy at run time through thinc (installed with spaCy); the weights ship in
`models/attribution_net.npz`, trained on PolNeAR train by `training/train_attribution_net.py`.
"""

from __future__ import annotations

import functools
import itertools
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from thinc.api import (Dropout, LayerNorm, Maxout, Model, Softmax, chain, clone, expand_window,
                       residual, with_array)

MODEL_PATH = Path(__file__).parent / "models" / "attribution_net.npz"

# The label order shared by training and decoding (BIO over the three PolNeAR roles).
LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}

# Each feature string lands in two buckets of the embedding table (two independent hashes), so
# a collision in one bucket is told apart by the other.
N_BUCKETS = 1 << 16
HASH_SEEDS = (0, 0x9E3779B9)
EMBED_WIDTH = 64
HIDDEN_WIDTH = 128
# Six layers, not four: on the per-outlet held-out slice (full analyzer, exact F1 source / cue / content, three
# seeds each, paired) content gained +0.36 / +0.16 / +0.46 and source +0.17 / +0.03 / +0.23, while cue moved
# +0.46 / -0.43 / +0.12, inside its seed noise (69.5-70.2 with four layers); on the one-outlet slice content
# +0.07 / +0.01, cue -0.33 / +0.37. Eight layers were no better than six (per-outlet, seeds 0 and 1:
# 73.9 / 69.9 / 59.7 and 73.8 / 70.0 / 59.4). A bidirectional LSTM (thinc, 64 or 128 wide) after the
# convolutions tagged worse alone (held-out run F1 cue 65 against 68); averaging three seeds of the
# four-layer network gained 0.1-0.2. Residual tree layers (each token mixing in its syntactic head's state and its
# dependents' mean, after convolution 3 and 6, or after 6 only) tagged sources a point better alone but left the full
# analyzer where it was (per-outlet 73.88 / 69.75 / 59.57 and 74.09 / 69.80 / 59.51, seed 0).
CNN_DEPTH = 6
WINDOW = 1
# CRF features that copy a neighbour's attributes ("-1:w=said", word pairs): the convolution sees
# the neighbours itself, and skipping them halves the encoding work.
SKIP_PREFIXES = ("-2:", "-1:", "1:", "2:", "ww=", "wn=", "pp=")

# One paragraph as the network reads it: bucket ids of every feature (token by token), where each
# token's ids start, and the token count.
Paragraph = tuple[np.ndarray, np.ndarray, int]


class _BucketTable(dict):
    """feature string -> its bucket ids (none for a skipped feature), filled on first sight."""

    limit = 500_000

    def __missing__(self, feature: str) -> tuple[int, ...]:
        if len(self) >= self.limit:
            self.clear()  # a long-running server meets endless new words; start afresh
        data = feature.encode("utf-8")
        value = () if feature.startswith(SKIP_PREFIXES) else tuple(
            zlib.crc32(data, seed) % N_BUCKETS for seed in HASH_SEEDS)
        self[feature] = value
        return value


_BUCKETS = _BucketTable()


def _buckets(feature: str) -> tuple[int, ...]:
    return _BUCKETS[feature]


def encode(features: list[list[str]]) -> Paragraph:
    """The network's input for one paragraph of CRF features (one list of strings per token)."""
    lookup = _BUCKETS.__getitem__
    # A token left without features keeps the empty string's ids, so every token has some.
    fallback = _BUCKETS[""]
    per_token = [tuple(itertools.chain.from_iterable(map(lookup, token_features))) or fallback
                 for token_features in features]
    lengths = np.fromiter(map(len, per_token), dtype="int64", count=len(per_token))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(per_token) else lengths
    ids = np.fromiter(itertools.chain.from_iterable(per_token), dtype="int64", count=int(lengths.sum()))
    return ids, starts, len(features)


def _bag_forward(model: Model, paragraphs: list[Paragraph], is_train: bool):
    table = model.get_param("E")
    rate = model.attrs["feature_dropout"] if is_train else 0.0
    # Every token owns a contiguous, non-empty run of ids, so reduceat sums each token's rows.
    # Dropping whole features in training keeps the table from memorising rare words.
    masks = [(np.random.random(len(ids)) >= rate).astype("float32")[:, None] if rate else None
             for ids, _, _ in paragraphs]
    outputs = [np.add.reduceat(table[ids] if mask is None else table[ids] * mask, starts, axis=0)
               for (ids, starts, _), mask in zip(paragraphs, masks)]

    def backprop(d_outputs: list[np.ndarray]) -> list[Paragraph]:
        ids = np.concatenate([p[0] for p in paragraphs])
        d_rows = np.concatenate([
            np.repeat(d_out, np.diff(np.append(starts, len(p_ids))), axis=0) * (1.0 if mask is None else mask)
            for (p_ids, starts, _), d_out, mask in zip(paragraphs, d_outputs, masks)])
        order = np.argsort(ids, kind="stable")
        unique, first = np.unique(ids[order], return_index=True)
        d_table = np.zeros_like(table)
        d_table[unique] = np.add.reduceat(d_rows[order], first, axis=0)
        model.inc_grad("E", d_table)
        return paragraphs

    return outputs, backprop


def _bag_init(model: Model, X=None, Y=None) -> None:
    rng = np.random.default_rng(0)
    shape = (model.get_dim("nB"), model.get_dim("nO"))
    model.set_param("E", (rng.standard_normal(shape) * 0.05).astype("float32"))


def bag_embed(n_buckets: int, width: int, feature_dropout: float = 0.0) -> Model:
    """Sum of the embeddings of a token's hashed feature strings."""
    return Model("bag_embed", _bag_forward, init=_bag_init, params={"E": None},
                 dims={"nB": n_buckets, "nO": width}, attrs={"feature_dropout": feature_dropout})


def build_model(dropout: float = 0.0, feature_dropout: float = 0.0) -> Model:
    """The untrained network; the dropout rates matter in training only."""
    conv = residual(chain(expand_window(window_size=WINDOW),
                          Maxout(HIDDEN_WIDTH, HIDDEN_WIDTH * (2 * WINDOW + 1), nP=3, dropout=dropout),
                          LayerNorm(HIDDEN_WIDTH)))
    body = chain(Dropout(dropout),
                 Maxout(HIDDEN_WIDTH, EMBED_WIDTH, nP=3, dropout=dropout),
                 LayerNorm(HIDDEN_WIDTH),
                 clone(conv, CNN_DEPTH),
                 Softmax(len(LABELS), HIDDEN_WIDTH))
    # The padding keeps one paragraph's window from reaching into the next.
    return chain(bag_embed(N_BUCKETS, EMBED_WIDTH, feature_dropout), with_array(body, pad=WINDOW * CNN_DEPTH))


def update(model: Model, optimizer, batch: list[tuple[Paragraph, np.ndarray]]) -> float:
    """One gradient step on (paragraph, gold label indices) pairs; returns the summed log loss."""
    probs, backprop = model.begin_update([x for x, _ in batch])
    n_tokens = sum(len(y) for _, y in batch)
    eye = np.eye(len(LABELS), dtype="float32")
    # Softmax's backprop takes the cross-entropy gradient (probabilities minus the one-hot gold).
    backprop([(p - eye[y]) / n_tokens for p, (_, y) in zip(probs, batch)])
    model.finish_update(optimizer)
    return float(sum(-np.log(p[np.arange(len(y)), y] + 1e-9).sum() for p, (_, y) in zip(probs, batch)))


def is_available() -> bool:
    """Whether the weights are installed and load; a damaged file leaves the CRF to tag alone (said
    once on stderr) rather than failing every article."""
    return MODEL_PATH.is_file() and _loads(MODEL_PATH)


@functools.lru_cache(maxsize=4)
def _loads(path: Path) -> bool:
    try:
        load(path)
    except Exception as exc:  # a truncated or foreign file fails inside numpy's zip reader or on shapes
        print(f"claimledger: {path}: attribution network weights unusable ({exc}); tagging with the CRF alone",
              file=sys.stderr)
        return False
    return True


def _parameters(model: Model) -> Iterator[tuple[str, Model, str]]:
    """Every parameter, keyed by its layer's position in the network and its name."""
    for position, node in enumerate(model.walk()):
        for name in node.param_names:
            yield f"{position}:{node.name}:{name}", node, name


def save(model: Model, path: Path) -> None:
    """Write the weights as float16 (half the size; the predictions do not change measurably)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **{key: node.get_param(name).astype("float16")
                                   for key, node, name in _parameters(model)})


@functools.lru_cache(maxsize=1)
def load(path: Path) -> Model:
    """The network with the weights at `path` (cached: one copy per process)."""
    model = build_model(dropout=0.0)
    model.initialize(X=[encode([["w=a"]])], Y=[np.zeros((1, len(LABELS)), dtype="float32")])
    with np.load(path) as weights:
        for key, node, name in _parameters(model):
            node.set_param(name, weights[key].astype("float32"))
    return model


# Paragraphs go through the network in batches of about this many tokens (attribution_model builds
# them): thinc keeps every layer's activations until a forward pass ends, so one pass over a
# book-length article would take gigabytes.
BATCH_TOKENS = 4000


def probabilities(features: list[list[str]], model: Model | None = None) -> np.ndarray:
    """Label probabilities (tokens x LABELS) for one paragraph of CRF features."""
    if not features:
        return np.zeros((0, len(LABELS)), dtype="float32")
    model = model or load(MODEL_PATH)
    return model.predict([encode(features)])[0]


def _allowed_transitions() -> np.ndarray:
    allowed = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for j, label in enumerate(LABELS):
        if label.startswith("I-"):
            role = label[2:]
            allowed[:, j] = False
            allowed[LABEL_INDEX["B-" + role], j] = allowed[j, j] = True
    return allowed


_ALLOWED = _allowed_transitions()
_CAN_START = np.array([not label.startswith("I-") for label in LABELS])


def decode(probs: np.ndarray) -> list[str]:
    """The most probable label sequence under BIO constraints (an I- only continues its role)."""
    n = len(probs)
    if not n:
        return []
    logp = np.log(np.clip(probs, 1e-9, 1.0))
    blocked = np.where(_ALLOWED, 0.0, -np.inf)
    score = np.where(_CAN_START, logp[0], -np.inf)
    back = np.zeros((n, len(LABELS)), dtype="int64")
    for k in range(1, n):
        cand = score[:, None] + blocked
        back[k] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logp[k]
    best = [int(score.argmax())]
    for k in range(n - 1, 0, -1):
        best.append(int(back[k, best[-1]]))
    return [LABELS[i] for i in reversed(best)]
