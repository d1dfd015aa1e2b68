"""Grouping attributions' propositions: similarity of texts and average-linkage clustering.

Similarity is a weighted sum of sentence-embedding cosines (MiniLM, `embeddings.py`) of the
propositions and of their predicate phrases, and a lexical overlap of key words (names, numbers,
stemmed content words; the two sides of a news antonym pair count as the same word). With the model,
each similarity is taken relative to how close the two texts are to their own nearest neighbours
(`local_scaling`); pairs stating different numbers of one counted thing or different times (`slots`)
are pushed apart after it. Groups: average linkage at a threshold chosen on bench/claims_data's dev topics.
Above `Blocking.dense_limit` texts no n x n matrix is built (top-K neighbours, sparse threshold graph,
dense linkage per component). `claims.py` turns the groups into the board.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import stance as st
from .numbers import GROUP_WORDS, SCALE_ABBR, SCALE_WORDS, TENS_WORDS

@dataclass(frozen=True)
class GroupingParams:
    """Similarity = weight * cos(propositions) + predicate * cos(predicate phrases)
    + token * token alignment + (1 - weight - predicate - token) * lexical; groups merge while their
    average similarity >= threshold.

    Token alignment (`_TokenAlignment`) is computed only for each text's `token_candidates` nearest
    texts by the other terms; with an embedder that gives no token states, `without_tokens` is used.

    With `local_k`, each similarity is then measured against how close the two texts are to their own
    nearest neighbours (local scaling, see `local_scaling`); `local_floor` bounds that scale from below.
    `min_raw` (off at -1) keeps apart any two texts whose similarity before scaling is below it: in a
    ledger dense in one topic, local scaling alone merges statements that are merely on the same subject.

    `conflict` is subtracted, after local scaling, from the similarity of two texts that give different
    numbers of the same counted thing or different times of one kind (see `slots`).
    """

    weight: float
    threshold: float
    predicate: float = 0.0
    local_k: int = 0
    local_floor: float = 0.0
    min_raw: float = -1.0
    token: float = 0.0
    token_candidates: int = 32
    without_tokens: GroupingParams | None = None
    conflict: float = 0.0


# Sentence vectors only: chosen on the dev topics of bench/claims_data (python bench/claims.py --tune),
# the conflict penalty and threshold then by `--sentence --tune-terms --split dev` (dev F1 0.675 -> 0.688).
SENTENCE_PARAMS = GroupingParams(weight=0.9, threshold=-0.05, predicate=0.1, local_k=5, local_floor=0.3,
                                 conflict=0.2)
# With token alignment: chosen on the same dev topics by bench/claims_tokens.py (its FROZEN "unshared"),
# then checked once on the confirmation topics: pairwise F1 dev 0.675 -> 0.699, test 0.567 -> 0.641,
# confirm 0.354 -> 0.494 against SENTENCE_PARAMS (figures in the claims bench README).
# The number/time conflict penalty: chosen on the same dev topics by `python bench/claims.py --tune-terms
# --split dev`. Pairwise F1 dev 0.699 -> 0.728, test 0.641 -> 0.660, confirm 0.490 -> 0.486.
# An article-context term was tried and dropped: the bench's articles each hold one topic, so it gave the
# topic away (dev 0.793) and lost on the confirmation topics (0.468).
EMBEDDING_PARAMS = GroupingParams(weight=0.2, threshold=-0.06, predicate=0.1, local_k=5, local_floor=0.0,
                                  token=0.7, without_tokens=SENTENCE_PARAMS, conflict=0.5)
LEXICAL_PARAMS = GroupingParams(weight=0.0, threshold=0.125)


# ------------------------------------------------------------------ lexical features

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_STOP = frozenset("""
a an the and or but if of to in on at by for with from into onto over under about as than then that this these
those there here it its it's he she they them their his her him we our us you your i me my who whom whose which
what when where why how is are was were be been being am has have had having do does did done will would shall
should can could may might must also just still even very so such only own same other another any some all each
every both few many much most several said says say told according after before during while since until again
further once more less not no never nor too up down out off new last next year years week month day days
""".split())
_IRREGULAR = {"struck": "strike", "hit": "hit", "shot": "shoot", "fell": "fall", "rose": "rise", "risen": "rise",
              "fallen": "fall", "went": "go", "gone": "go", "took": "take", "taken": "take", "stole": "steal",
              "stolen": "steal", "won": "win", "lost": "lose", "grew": "grow", "grown": "grow", "shrank": "shrink",
              "brought": "bring", "made": "make", "came": "come", "saw": "see", "seen": "see", "died": "die",
              "dead": "die", "death": "die", "deaths": "die", "killed": "kill", "burnt": "burn", "men": "man",
              "women": "woman", "children": "child", "people": "person", "blew": "blow", "sank": "sink",
              "sunk": "sink", "paid": "pay", "sold": "sell", "bought": "buy", "led": "lead", "held": "hold"}
# Dates say when, not what: they identify a proposition weakly ("in March" is shared by many).
_TIME_WORDS = frozenset("""
january february march april may june july august september october november december monday tuesday wednesday
thursday friday saturday sunday today yesterday tomorrow overnight morning evening night weekend quarter
""".split())
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def _stem(word: str) -> str:
    w = word.lower().strip("'’-")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":  # shelled -> shell, but stopped -> stop
        w = w[:-1]
    return w


def _antonym_word_classes() -> dict[str, str]:
    # Every inflection-free member of an antonym pair maps to the pair's name: opposite sides share a key.
    out: dict[str, str] = {}
    for name, first, second in st.ANTONYMS:
        for phrase in first + second:
            if " " not in phrase:
                out[_stem(phrase)] = f"~{name}"
    return out


_ANTONYM_KEYS = _antonym_word_classes()


def key_terms(text: str) -> dict[str, float]:
    """Weighted key words of a proposition: capitalised names and numbers weigh more than other words."""
    terms: dict[str, float] = {}
    for i, match in enumerate(WORD_RE.finditer(text)):
        raw = match.group(0)
        low = raw.lower().strip("'’")
        if low in _STOP or len(low) < 2 and not low.isdigit():
            continue
        if raw[0].isdigit():
            key, weight = raw.replace(",", "").rstrip("."), 1.5
        elif low in _TIME_WORDS:
            key, weight = low, 0.3
        else:
            stem = _stem(raw)
            key = _ANTONYM_KEYS.get(stem, stem)
            # Opposite sides of a pair match, but "rose" and "fell" alone do not make one proposition.
            weight = 0.5 if key.startswith("~") else 2.0 if raw[0].isupper() and i > 0 else 1.0
        terms[key] = max(terms.get(key, 0.0), weight)
    return terms


def lexical_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Weighted Dice overlap of two key-term sets."""
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 0.0
    shared = sum(min(a[k], b[k]) + max(a[k], b[k]) for k in a.keys() & b.keys())
    return shared / total


def lexical_matrix(texts: list[str]) -> np.ndarray:
    """`lexical_similarity` for every pair, through an inverted index (cost: sum of squared posting sizes)."""
    n = len(texts)
    postings: dict[str, tuple[list[int], list[float]]] = {}
    totals = np.zeros(n, dtype=np.float64)
    for i, text in enumerate(texts):
        for key, weight in key_terms(text).items():
            ids, weights = postings.setdefault(key, ([], []))
            ids.append(i)
            weights.append(weight)
            totals[i] += weight
    # float32 and in place: the matrix is dense (n^2), ~100 MB at 5,000 attributions.
    shared = np.zeros((n, n), dtype=np.float32)
    for ids, weights in postings.values():
        if len(ids) > 1:
            idx, w = np.array(ids), np.array(weights, dtype=np.float32)
            shared[np.ix_(idx, idx)] += w[:, None] + w[None, :]
    t = totals.astype(np.float32)
    denominator = t[:, None] + t[None, :]
    np.maximum(denominator, 1e-9, out=denominator)
    shared /= denominator
    np.fill_diagonal(shared, 1.0)
    return shared


_PREDICATE_DEPS = frozenset("dobj attr acomp prt xcomp ccomp oprd agent prep advmod auxpass".split())


def predicate_phrases(texts: list[str]) -> list[str]:
    """The main verb and its complements without names ("Russian shelling had destroyed the Kherna dam"
    -> "destroyed the dam"): what happened, so that near-misses about the same place and people
    ("4,000 people near the Kherna dam were moved to safety") differ more than the full sentences do."""
    from .nlp import load_nlp

    nlp = load_nlp()
    out = []
    for doc in nlp.pipe(texts, batch_size=256):
        roots = [t for t in doc if t.dep_ == "ROOT"]
        keep = set(roots)
        for root in roots[:1]:
            for child in root.children:
                if child.dep_ in _PREDICATE_DEPS:
                    keep.update(child.subtree)
        words = [t.text for t in sorted(keep, key=lambda t: t.i) if not t.ent_type_ and t.pos_ != "PROPN"]
        out.append(" ".join(words) or doc.text)
    return out


# ------------------------------------------------------------------ conflicting slots

# Two contents about the same event, people and place that state a different number of the same
# counted thing ("3,000 jobs" / "300 jobs") or a different time ("in March" / "in April", "last
# month" / "next month") are different propositions however alike the rest reads: the sentence
# vectors and the token alignment hardly see one changed number. Such pairs are pushed apart.
# Number words as the quantities module reads them; of the scale abbreviations only "bn", since a lone
# letter after a number is more often a unit ("2 m" is metres).
_TENS = {**TENS_WORDS, "dozen": GROUP_WORDS["dozen"]}
_MULTIPLIERS = {**SCALE_WORDS, "bn": SCALE_ABBR["bn"]}
# Time units name what is counted ("30 years"), though _STOP drops them as key terms.
_COUNT_UNITS = frozenset("year years week month day days".split())
_SLOT_TOKEN_RE = re.compile(r"\d[\d,]*(?:\.\d+)?|%|[A-Za-z][A-Za-z'’]*")
_NUMBER_RE = re.compile(r"\d[\d,]*(?:\.\d+)?$")
_HYPHEN_UNIT_RE = re.compile(r"(?<=[\dA-Za-z])-(?=(?:year|month|week|day|hour|minute|mile|kilometre|metre|storey|"
                             r"point|seat)s?\b)")
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_TIME_RE = re.compile(
    r"\b(?:(next|last|this|coming|previous|past)\s+(week|month|year|quarter|spring|summer|autumn|winter)"
    r"|(January|February|March|April|June|July|August|September|October|November|December"
    r"|May(?=\s+\d|\s*$|[,.;])|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?<![\d,.$£€])((?:19|20)\d\d)(?![\d,.%]))\b", re.I)
_RELATIVE = {"coming": "next", "previous": "last", "past": "last"}


def _number_value(tokens: list[str], i: int) -> tuple[float | None, int]:
    """The number starting at token i ("2,000", "fifty thousand", "1.5 million") and the index after it."""
    low = tokens[i].lower()
    if _NUMBER_RE.match(tokens[i]):
        value = float(tokens[i].replace(",", ""))
    elif low in _NUMBER_WORDS or low in _TENS:
        value = float(_NUMBER_WORDS.get(low) or _TENS[low])
    else:
        return None, i + 1
    j = i + 1
    while j < len(tokens) and tokens[j].lower() in _MULTIPLIERS:
        value *= _MULTIPLIERS[tokens[j].lower()]
        j += 1
    return value, j


# Where something happened: a capitalised name after a word that places it ("in Lask", "the town of Varn",
# "near Pelt"). Two statements placed in different towns are about different events.
_PLACE_RE = re.compile(r"\b(?:in|at|near|outside|into|(?:town|village|city|district|port|region|province) of)"
                       r"\s+((?:[A-Z][a-z’'-]+)(?:\s+[A-Z][a-z’'-]+)?)")


def slots(text: str) -> dict[str, frozenset[float | str]]:
    """What a content pins down: each counted thing (stem of the noun after a number, or "percent")
    with its numbers, its times by kind (month, weekday, year, relative "next month") and its places."""
    found: dict[str, set[float | str]] = {}
    tokens = _SLOT_TOKEN_RE.findall(_HYPHEN_UNIT_RE.sub(" ", text))
    i = 0
    while i < len(tokens):
        value, j = _number_value(tokens, i)
        if value is None or 1900 <= value < 2100 and _NUMBER_RE.match(tokens[i]) and "," not in tokens[i]:
            i = j  # a year is a time, read below
            continue
        while j < len(tokens):  # the counted noun: the first word after the number that says something
            word = tokens[j].lower()
            if word == "%":
                found.setdefault("n:percent", set()).add(value)
                break
            if word not in _STOP or word in _COUNT_UNITS:
                found.setdefault(f"n:{_stem(word)}", set()).add(value)
                break
            j += 1
        i = max(j, i + 1)
    for m in _PLACE_RE.finditer(text):
        if m.group(1).split()[0].lower() not in _MONTHS + _WEEKDAYS:
            found.setdefault("p:place", set()).add(m.group(1).lower())
    for m in _TIME_RE.finditer(text):
        if m.group(1):
            found.setdefault("t:relative", set()).add(f"{_RELATIVE.get(m.group(1).lower(), m.group(1).lower())} "
                                                      f"{m.group(2).lower()}")
        elif m.group(3):
            word = m.group(3).lower()
            found.setdefault("t:month" if word in _MONTHS else "t:weekday", set()).add(word)
        else:
            found.setdefault("t:year", set()).add(m.group(4))
    return {k: frozenset(v) for k, v in found.items()}


class _SlotIndex:
    """`slots` of many texts as postings. Two texts conflict when they share a slot but none of its
    values (a text may give two: "71 percent, up from 64 percent"); counted as shared slots > slots
    with a shared value, both by posting sums as in `_TermIndex`."""

    def __init__(self, texts: list[str] | None = None,
                 per_text: list[dict[str, frozenset[float | str]]] | None = None) -> None:
        self.per_text = per_text if per_text is not None else [slots(t) for t in texts or []]
        slot_ids: dict[str, int] = {}
        value_ids: dict[tuple[str, float | str], int] = {}
        self.slot_terms: list[list[int]] = []
        self.value_terms: list[list[int]] = []
        slot_post: list[list[int]] = []
        value_post: list[list[int]] = []
        for i, found in enumerate(self.per_text):
            mine, values = [], []
            for slot, vals in found.items():
                s = slot_ids.setdefault(slot, len(slot_ids))
                if s == len(slot_post):
                    slot_post.append([])
                slot_post[s].append(i)
                mine.append(s)
                for v in vals:
                    k = value_ids.setdefault((slot, v), len(value_ids))
                    if k == len(value_post):
                        value_post.append([])
                    value_post[k].append(i)
                    values.append(k)
            self.slot_terms.append(mine)
            self.value_terms.append(values)
        self.slot_post = [np.array(p, dtype=np.int64) for p in slot_post]
        self.value_post = [np.array(p, dtype=np.int64) for p in value_post]

    def subset(self, idx: np.ndarray) -> _SlotIndex:
        return _SlotIndex(per_text=[self.per_text[i] for i in idx])

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """1.0 where text idx[r] conflicts with text c, else 0.0 (float32, len(idx) x n)."""
        n, c = len(self.per_text), len(idx)
        out = np.zeros((c, n), dtype=np.float32)
        if not any(self.slot_terms[i] for i in idx):
            return out
        def count(terms: list[list[int]], post: list[np.ndarray]) -> np.ndarray:
            at = [post[k] + r * n for r, i in enumerate(idx) for k in terms[i]]
            return np.bincount(np.concatenate(at), minlength=c * n) if at else np.zeros(c * n, dtype=np.int64)
        conflict = count(self.slot_terms, self.slot_post) > count(self.value_terms, self.value_post)
        out.reshape(-1)[conflict] = 1.0
        return out

    def block(self) -> np.ndarray:
        return self.rows(np.arange(len(self.per_text)))


# Near-duplicates (wire copy lightly edited: "reportedly ...", "... on Tuesday") are one text for local
# scaling. Not tuned: on the dev topics the closest two different attributions reach 0.897 (one claim,
# asserted and denied), so it changes nothing there; with every dev attribution copied into four
# lightly edited versions it keeps dev F1 at 0.67 where scaling without it falls to 0.37.
DUPLICATE_SIMILARITY = 0.9


def local_scaling(sim: np.ndarray, k: int, floor: float = 0.0,
                  duplicate: float = DUPLICATE_SIMILARITY) -> np.ndarray:
    """`sim` minus the mean of the two texts' local scales (each one's mean similarity to its k nearest
    other texts, at least `floor`).

    Attributions about one event all sit close together in embedding space, so an absolute threshold
    either splits paraphrases that share few words or merges near-misses about the same dam. Against
    its own neighbourhood a paraphrase still stands out (it is among the nearest), a near-miss does
    not. The floor keeps a lone attribution, whose nearest neighbours are unrelated, from merging
    with anything. Texts at least `duplicate` alike count as one: ten copies of a wire story would
    otherwise be each other's nearest neighbours and make every copy refuse its paraphrases.
    """
    n = len(sim)
    if n < 2 or k <= 0:
        return sim
    copies = _components(sim >= duplicate)
    group = np.empty(n, dtype=np.int64)
    for g, members in enumerate(copies):
        group[members] = g
    reps = [members[0] for members in copies]
    m = len(reps)
    scale = np.full(m, floor, dtype=np.float32)
    if m > 1:
        kk = min(k, m - 1)
        others = sim[np.ix_(reps, reps)].astype(np.float32, copy=True)
        np.fill_diagonal(others, -np.inf)
        nearest = np.partition(others, m - kk, axis=1)[:, m - kk:]
        scale = np.maximum(nearest.mean(axis=1), floor).astype(np.float32)
    scale = scale[group]
    return sim - (scale[:, None] + scale[None, :]) / 2


def effective_params(params: GroupingParams, embedder: Any) -> GroupingParams:
    """`params`, or its `without_tokens` when the embedder cannot give token states (a stand-in
    encoder, or none at all); a `min_raw` set on `params` carries over."""
    if not params.token or hasattr(embedder, "token_states"):
        return params
    fallback = params.without_tokens or dataclasses.replace(params, token=0.0)
    return dataclasses.replace(fallback, min_raw=params.min_raw) if params.min_raw > -1.0 else fallback


def _unshared_alignment(a: tuple[np.ndarray, np.ndarray, np.ndarray],
                        others: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Alignment of text `a` with each of `others` (each: unit token states, piece ids, content mask).

    Per direction, the mean best cosine in the other text of the content pieces the other text does not
    share, both directions averaged (1.0 for a direction with nothing unshared): do the words that
    differ still have a counterpart (a paraphrase) or not (a near-miss: another number, actor or
    predicate)? One matrix product per text against all its partners, split by segment."""
    states, ids, content = a
    sizes = np.array([len(o[1]) for o in others])
    out = np.zeros(len(others), dtype=np.float32)  # a text without word pieces aligns with nothing
    live = np.flatnonzero(sizes > 0)
    if not len(ids) or not len(live):
        return out
    offsets = np.concatenate([[0], np.cumsum(sizes[live])[:-1]])
    o_states = np.concatenate([others[k][0] for k in live])
    o_ids = np.concatenate([others[k][1] for k in live])
    o_content = np.concatenate([others[k][2] for k in live])
    sim = states @ o_states.T
    same = ids[:, None] == o_ids[None, :]
    best_a = np.maximum.reduceat(sim, offsets, axis=1)           # each piece of a: best in each other text
    only_a = content[:, None] & ~np.logical_or.reduceat(same, offsets, axis=1)
    count_a = only_a.sum(axis=0)
    mean_a = np.where(count_a > 0, (best_a * only_a).sum(axis=0) / np.maximum(count_a, 1), 1.0)
    best_o = sim.max(axis=0)                                      # each piece of the others: best in a
    only_o = o_content & ~same.any(axis=0)
    count_o = np.add.reduceat(only_o.astype(np.int64), offsets)
    sum_o = np.add.reduceat(np.where(only_o, best_o, 0.0), offsets)
    mean_o = np.where(count_o > 0, sum_o / np.maximum(count_o, 1), 1.0)
    out[live] = (mean_a + mean_o) / 2
    return out


class _TokenAlignment:
    """`_unshared_alignment` on candidate pairs: each text and its `candidates` nearest texts by the
    sentence-level similarity (~13 us a pair, vectorised per text; still never all n^2 pairs). Token
    states are computed once per distinct text and dropped once the candidate pairs are scored. A pair
    that is nobody's candidate takes the lower of the two texts' worst candidate alignments: it is less
    alike than any of their candidates by the other terms, and far pairs do not sit close to the
    threshold."""

    def __init__(self, texts: list[str], embedder: Any, candidates: int,
                 base_rows: Any, chunk_cells: int = 4_000_000) -> None:
        n = self.n = len(texts)
        k = min(candidates, n - 1)
        near: list[np.ndarray] = []
        step = max(1, chunk_cells // max(n, 1))
        for start in range(0, n if k > 0 else 0, step):
            rows = np.arange(start, min(n, start + step))
            sim = base_rows(rows)
            sim[np.arange(len(rows)), rows] = -np.inf
            # copy: a slice would keep the whole chunk-wide argpartition array alive
            near.append(np.argpartition(sim, n - k, axis=1)[:, n - k:].copy() if k < n - 1
                        else np.tile(np.arange(n), (len(rows), 1)))
        if near:
            own = np.repeat(np.arange(n), near[0].shape[1])
            other = np.concatenate(near).reshape(-1)
            lo, hi = np.minimum(own, other), np.maximum(own, other)
            keys = np.unique(lo[lo != hi] * n + hi[lo != hi])
        else:
            keys = np.zeros(0, dtype=np.int64)
        vocab: dict[str, int] = {}
        parts = []
        for states, pieces in embedder.token_states(texts) if len(keys) else []:
            ids = np.array([vocab.setdefault(p, len(vocab)) for p in pieces], dtype=np.int64)
            parts.append((states, ids, np.array([p not in _STOP for p in pieces], dtype=bool)))
        values = np.zeros(len(keys), dtype=np.float32)
        first = keys // max(n, 1)
        for lo_rows in _split_by(first) if len(keys) else []:
            i = int(first[lo_rows[0]])
            values[lo_rows] = _unshared_alignment(parts[i], [parts[j] for j in keys[lo_rows] % n])
        self.keys, self.values = keys, values
        self.worst = np.ones(n, dtype=np.float32)
        # Both directions of every scored pair, by text (CSR): a row of the matrix is its fill plus
        # a few scattered values, never an n-wide lookup.
        own = np.concatenate([keys // max(n, 1), keys % max(n, 1)])
        other = np.concatenate([keys % max(n, 1), keys // max(n, 1)])
        both = np.concatenate([values, values])
        order = np.argsort(own, kind="stable")
        self._partners, self._partner_values = other[order], both[order]
        self._start = np.searchsorted(own[order], np.arange(n + 1))
        if len(keys):
            np.minimum.at(self.worst, own, both)

    def matrix(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Alignment of texts `rows` x `cols` (float32); 1 for a text with itself."""
        out = np.minimum(self.worst[rows][:, None], self.worst[cols][None, :])
        where = np.full(self.n, -1, dtype=np.int64)
        where[cols] = np.arange(len(cols))
        counts = self._start[rows + 1] - self._start[rows]
        at = np.repeat(self._start[rows] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        r = np.repeat(np.arange(len(rows)), counts)
        c = where[self._partners[at]]
        keep = c >= 0
        out[r[keep], c[keep]] = self._partner_values[at][keep]
        self_r = np.flatnonzero(where[rows] >= 0)
        out[self_r, where[rows][self_r]] = 1.0
        return out


class _Features:
    """What raw similarity is made of, per distinct text: weighted unit-vector parts (propositions,
    predicate phrases), token alignment on candidate pairs and key-term overlap. One place for the
    formula, used whole (dense path), by row chunks against every text (blocking) and by blocks of a
    few texts (one component)."""

    def __init__(self, texts: list[str], params: GroupingParams, embedder: Any = None) -> None:
        params = effective_params(params, embedder)
        self.texts = texts
        self.parts: list[tuple[float, np.ndarray]] = []
        self.lexical_weight = 1.0
        self.scaled = False
        self._index: _TermIndex | None = None
        self.token_weight = 0.0
        self._align: _TokenAlignment | None = None
        self._align_args: tuple[Any, int] | None = None
        self.conflict_weight = params.conflict
        self._slots: _SlotIndex | None = None
        if embedder is not None and params.weight + params.predicate + params.token > 0.0:
            vectors = embedder.embed(texts)
            self.parts.append((params.weight, vectors))
            self.lexical_weight = 1.0 - params.weight - params.predicate - params.token
            if params.token:
                self.token_weight = params.token
                self._align_args = (embedder, params.token_candidates)
            if params.predicate:
                from .nlp import ModelError

                try:
                    if hasattr(embedder, "embed_derived"):   # cached per content: no re-parse next run
                        predicates = embedder.embed_derived(texts, predicate_phrases, "predicate")
                    else:
                        predicates = embedder.embed(predicate_phrases(texts))
                except ModelError:  # no parser: the whole proposition stands in for its predicate
                    predicates = vectors
                self.parts.append((params.predicate, predicates))
            self.scaled = params.local_k > 0
        # The shipped weights leave 1 - 0.2 - 0.1 - 0.7 (or 1 - 0.9 - 0.1) ~ 1e-17 for the lexical term:
        # zero but for rounding, so it is skipped rather than computed over every pair (changes no
        # similarity beyond float32 noise).
        self.use_lexical = not self.parts or abs(self.lexical_weight) > 1e-6

    def block(self, idx: np.ndarray) -> np.ndarray:
        """Raw similarity among the texts `idx` (float32, len(idx) x len(idx))."""
        lex = lexical_matrix([self.texts[i] for i in idx]) if self.use_lexical else None
        sim = self._combine(lambda v: v[idx] @ v[idx].T, lex)
        if self._align_args is not None:
            sim += self.token_weight * self._alignment().matrix(idx, idx)
        return sim

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Raw similarity of the texts `idx` against every text (float32, len(idx) x n)."""
        sim = self._base_rows(idx)
        if self._align_args is not None:
            sim += self.token_weight * self._alignment().matrix(idx, np.arange(len(self.texts)))
        return sim

    def _base_rows(self, idx: np.ndarray) -> np.ndarray:
        """`rows` without the token alignment term (which picks its candidate pairs from these)."""
        if self.use_lexical and self._index is None:
            self._index = _TermIndex(self.texts)
        lex = self._index.rows(idx) if self.use_lexical else None  # type: ignore[union-attr]
        return self._combine(lambda v: v[idx] @ v.T, lex)

    def _slot_index(self) -> _SlotIndex:
        if self._slots is None:
            self._slots = _SlotIndex(self.texts)
        return self._slots

    def conflicts(self, idx: np.ndarray) -> np.ndarray:
        """The conflict penalty among the texts `idx` (`conflict` x 0/1, float32, len(idx) x len(idx))."""
        if not self.conflict_weight:
            return np.zeros((len(idx), len(idx)), dtype=np.float32)
        index = self._slot_index()
        block = index.block() if len(idx) == len(self.texts) and np.array_equal(idx, np.arange(len(idx))) \
            else index.subset(idx).block()
        return np.float32(self.conflict_weight) * block

    def neighbour_conflicts(self, ids: np.ndarray, chunk_cells: int) -> np.ndarray:
        """The conflict penalty of each text with each of its neighbours `ids` (n x k), by row chunks."""
        out = np.zeros(ids.shape, dtype=np.float32)
        if not self.conflict_weight:
            return out
        n = len(self.texts)
        step = max(1, chunk_cells // max(n, 1))
        for start in range(0, n, step):
            rows = np.arange(start, min(n, start + step))
            out[rows] = np.take_along_axis(self._slot_index().rows(rows), ids[rows], axis=1)
        return np.float32(self.conflict_weight) * out

    def _alignment(self) -> _TokenAlignment:
        if self._align is None:
            embedder, candidates = self._align_args  # type: ignore[misc]
            self._align = _TokenAlignment(self.texts, embedder, candidates, self._base_rows)
        return self._align

    def _combine(self, cosine: Any, lex: np.ndarray | None) -> np.ndarray:
        if not self.parts:
            return lex  # type: ignore[return-value]
        (weight, vectors), *rest = self.parts
        sim = weight * cosine(vectors)
        if lex is not None:
            sim = sim + self.lexical_weight * lex
        for weight, vectors in rest:
            sim += weight * cosine(vectors)
        return sim


class _TermIndex:
    """Key terms of many texts as postings: rows of `lexical_matrix` without the n x n matrix."""

    def __init__(self, texts: list[str]) -> None:
        keys: dict[str, int] = {}
        ids: list[list[int]] = []
        weights: list[list[float]] = []
        self.terms: list[list[tuple[int, float]]] = []
        self.totals = np.zeros(len(texts), dtype=np.float32)
        for i, text in enumerate(texts):
            row = []
            for key, weight in key_terms(text).items():
                k = keys.setdefault(key, len(keys))
                if k == len(ids):
                    ids.append([])
                    weights.append([])
                ids[k].append(i)
                weights[k].append(weight)
                row.append((k, weight))
                self.totals[i] += weight
            self.terms.append(row)
        self.ids = [np.array(x, dtype=np.int64) for x in ids]
        self.weights = [np.array(x, dtype=np.float64) for x in weights]

    def rows(self, idx: np.ndarray) -> np.ndarray:
        n, c = len(self.totals), len(idx)
        positions, values = [], []
        for r, i in enumerate(idx):
            for k, weight in self.terms[i]:
                positions.append(self.ids[k] + r * n)
                values.append(self.weights[k] + weight)
        if positions:
            shared = np.bincount(np.concatenate(positions), np.concatenate(values), minlength=c * n)
            shared = shared.reshape(c, n).astype(np.float32)
        else:
            shared = np.zeros((c, n), dtype=np.float32)
        denominator = self.totals[idx][:, None] + self.totals[None, :]
        np.maximum(denominator, 1e-9, out=denominator)
        shared /= denominator
        shared[np.arange(c), idx] = 1.0
        return shared


def _distinct(texts: list[str]) -> tuple[list[str], np.ndarray]:
    # Features are computed once per distinct text: contents recur verbatim across a ledger (wire copy),
    # and local scaling must not count a text's own duplicates as its neighbours.
    unique, inverse = np.unique(np.array(texts, dtype=object), return_inverse=True)
    return [str(t) for t in unique], inverse.reshape(-1)


# Similarity given to pairs below `min_raw`: under any threshold, yet finite so that average linkage
# still averages (one weak pair does not veto a group that is otherwise close).
_BELOW_FLOOR = -1.0


def _floored(sim: np.ndarray, raw: np.ndarray, min_raw: float) -> np.ndarray:
    if min_raw <= -1.0:
        return sim
    return np.where(raw < min_raw, np.float32(_BELOW_FLOOR), sim).astype(sim.dtype, copy=False)


def similarity_matrix(texts: list[str], params: GroupingParams, embedder: Any = None) -> np.ndarray:
    """The dense n x n similarity of `texts` (the exact path, for up to `Blocking.dense_limit` texts)."""
    params = effective_params(params, embedder)
    distinct, inverse = _distinct(texts)
    features = _Features(distinct, params, embedder)
    raw = features.block(np.arange(len(distinct)))
    sim = local_scaling(raw, params.local_k, params.local_floor) if features.scaled else raw
    sim = _floored(sim - features.conflicts(np.arange(len(distinct))), raw, params.min_raw)
    if len(distinct) == len(texts) and np.all(inverse == np.arange(len(texts))):
        return sim
    return sim[np.ix_(inverse, inverse)]


# ------------------------------------------------------------------ clustering

def _components(adjacent: np.ndarray) -> list[list[int]]:
    n = len(adjacent)
    seen = np.zeros(n, dtype=bool)
    out: list[list[int]] = []
    for start in range(n):
        if seen[start]:
            continue
        stack, comp = [start], []
        seen[start] = True
        while stack:
            i = stack.pop()
            comp.append(i)
            for j in np.flatnonzero(adjacent[i] & ~seen):
                seen[j] = True
                stack.append(int(j))
        out.append(sorted(comp))
    return out


def _nn_chain(s: np.ndarray, threshold: float, sizes: np.ndarray | None = None) -> list[list[int]]:
    """Average linkage on one similarity block with the nearest-neighbour chain: O(m^2), not O(m^3).
    `sizes`: how many attributions each row stands for (verbatim copies linked as one weighted row).

    Average linkage is reducible (a merge never brings a group closer to a third one than the nearer
    of its parts was), so reciprocal nearest neighbours can be merged in any order, and a chain whose
    end has no neighbour at the threshold can never merge again.
    """
    m = len(s)
    s = s.astype(np.float64, copy=True)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(m) if sizes is None else np.asarray(sizes, dtype=np.float64).copy()
    members = {i: [i] for i in range(m)}
    open_ = np.ones(m, dtype=bool)
    chain: list[int] = []
    while open_.sum() > 1:
        if not chain:
            chain.append(int(np.flatnonzero(open_)[0]))
        a = chain[-1]
        row = np.where(open_, s[a], -np.inf)
        if len(chain) > 1:
            row[chain[-2]] += 1e-12  # prefer the previous link on ties, so the chain cannot cycle
        b = int(np.argmax(row))
        if row[b] < threshold:
            open_[chain] = False  # every link in the chain is weaker still: all are final
            chain.clear()
            continue
        if len(chain) > 1 and b == chain[-2]:
            chain.pop(), chain.pop()
            merged = (s[a] * size[a] + s[b] * size[b]) / (size[a] + size[b])
            s[a, :], s[:, a] = merged, merged
            s[a, a] = -np.inf
            size[a] += size[b]
            members[a].extend(members.pop(b))
            open_[b] = False
            s[b, :], s[:, b] = -np.inf, -np.inf
        else:
            chain.append(b)
    return [sorted(v) for v in members.values()]


def average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups whose average pairwise similarity stays >= threshold.

    Two groups can only merge if some pair across them reaches the threshold, so the work is split by
    connected components of the thresholded graph first.
    """
    groups: list[list[int]] = []
    for comp in _components(sim >= threshold):
        if len(comp) == 1:
            groups.append(comp)
            continue
        for local in _nn_chain(sim[np.ix_(comp, comp)], threshold):
            groups.append([comp[i] for i in local])
    return groups


@dataclass(frozen=True)
class Blocking:
    """When and how the board is built without n x n matrices (memory O(n * neighbours)).

    Up to `dense_limit` attributions the exact dense path runs. Above it, each distinct text keeps its
    `neighbours` most similar texts, computed exactly in row chunks of about `chunk_cells` similarities
    (embedding matmul plus key-term postings). Local scaling only needs each text's few nearest, and
    the graph of pairs at the threshold is built from those lists; average linkage then runs densely
    inside each connected component, exactly as on the dense path. Components of more than
    `component_limit` attributions are first cut along their weakest links (see `_pieces`).
    The result equals the dense path's unless a text has more than `neighbours` texts over the
    threshold (`saturated` in the stats), whose extra links are not seen, or a component is cut.
    """

    dense_limit: int = 3000
    neighbours: int = 64
    component_limit: int = 2500
    chunk_cells: int = 4_000_000
    cut_step: float = 0.01


BLOCKING = Blocking()


def _centrality(block: np.ndarray) -> np.ndarray:
    """Each member's mean similarity to the other members of its group (0 alone)."""
    if len(block) < 2:
        return np.zeros(len(block))
    return np.array([float(np.mean(np.delete(block[x], x))) for x in range(len(block))])


def group_texts(texts: list[str], embedder: Any = None, params: GroupingParams | None = None,
                blocking: Blocking | None = None, stats: dict[str, Any] | None = None
                ) -> tuple[list[list[int]], list[np.ndarray]]:
    """Indices of `texts` grouped into propositions, and per group each member's centrality (its mean
    similarity to the others). `stats`, when given, receives how the blocked path went."""
    if params is None:
        params = EMBEDDING_PARAMS if embedder is not None else LEXICAL_PARAMS
    params = effective_params(params, embedder)
    blocking = blocking or BLOCKING
    if len(texts) <= blocking.dense_limit:
        sim = similarity_matrix(texts, params, embedder)
        groups = average_linkage(sim, params.threshold)
        return groups, [_centrality(sim[np.ix_(g, g)]) for g in groups]
    return _blocked_groups(texts, params, embedder, blocking, stats if stats is not None else {})


# ------------------------------------------------------------------ blocking (large ledgers)

def _roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of n nodes with edges a-b: each node's root, the smallest index of its
    component (min-label hooking and pointer jumping, all in numpy)."""
    parent = np.arange(n)
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    while True:
        ra, rb = parent[a], parent[b]
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        apart = lo != hi
        if not apart.any():
            return parent
        np.minimum.at(parent, hi[apart], lo[apart])  # hi is a root: pointers only go down, no cycles
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def _split_by(labels: np.ndarray) -> list[np.ndarray]:
    """Indices grouped by label, each group ascending."""
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def _neighbours(features: _Features, k: int, chunk_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's k most similar texts (itself included) by raw similarity, most similar first."""
    n = len(features.texts)
    k = min(k, n)
    ids = np.empty((n, k), dtype=np.int64)
    values = np.empty((n, k), dtype=np.float32)
    step = max(1, chunk_cells // n)
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        sim = features.rows(rows)
        top = np.argpartition(sim, n - k, axis=1)[:, n - k:] if k < n else np.tile(np.arange(n), (len(rows), 1))
        top_values = np.take_along_axis(sim, top, axis=1)
        order = np.argsort(-top_values, axis=1, kind="stable")
        ids[rows] = np.take_along_axis(top, order, axis=1)
        values[rows] = np.take_along_axis(top_values, order, axis=1)
    return ids, values


def _blocked_scales(features: _Features, ids: np.ndarray, values: np.ndarray, params: GroupingParams,
                    chunk_cells: int, duplicate: float = DUPLICATE_SIMILARITY) -> np.ndarray:
    """`local_scaling`'s scale of every text from its neighbour lists: near-duplicates (linked within
    the lists) are one text whose representative is the first; each representative's scale is its
    mean similarity to the k nearest other representatives, at least the floor."""
    n, width = ids.shape
    own = np.repeat(np.arange(n), width)
    copy = values.reshape(-1) >= duplicate
    root = _roots(n, own[copy], ids.reshape(-1)[copy])
    is_rep = root == np.arange(n)
    reps = np.flatnonzero(is_rep)
    scale = np.full(n, params.local_floor, dtype=np.float32)
    if len(reps) < 2:
        return scale
    kk = min(params.local_k, len(reps) - 1)
    usable = is_rep[ids] & (ids != np.arange(n)[:, None])
    take = usable & (np.cumsum(usable, axis=1) <= kk)
    sums = np.where(take, values, np.float32(0)).sum(axis=1, dtype=np.float32)
    full = reps[take[reps].sum(axis=1) == kk]
    scale[full] = np.maximum(sums[full] / np.float32(kk), params.local_floor)
    # A list crowded by copies of other texts holds fewer than k representatives: recompute that row.
    short = reps[take[reps].sum(axis=1) < kk]
    step = max(1, chunk_cells // n)
    for start in range(0, len(short), step):
        rows = short[start:start + step]
        sim = features.rows(rows)
        sim[:, ~is_rep] = -np.inf
        sim[np.arange(len(rows)), rows] = -np.inf
        nearest = np.partition(sim, n - kk, axis=1)[:, n - kk:]
        scale[rows] = np.maximum(nearest.mean(axis=1), params.local_floor)
    return scale[root]


def _pieces(nodes: np.ndarray, a: np.ndarray, b: np.ndarray, weight: np.ndarray, threshold: float,
            counts: np.ndarray, blocking: Blocking, out: list[np.ndarray]) -> None:
    """Connected components of `nodes` over edges a-b (similarities `weight`, those >= threshold kept);
    a component of more than `component_limit` attributions is cut again at a threshold raised by
    `cut_step`, until it fits. Why: dense average linkage costs m^2 memory, and the weakest links of
    a huge component are the chaining between propositions that average linkage would not merge
    (a group's average similarity is at least the threshold, so it rarely hangs on the weakest links)."""
    keep = weight >= threshold
    a, b, weight = a[keep], b[keep], weight[keep]
    la, lb = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    root = _roots(len(nodes), la, lb)
    for local in _split_by(root):
        comp = nodes[local]
        if len(comp) == 1 or counts[comp].sum() <= blocking.component_limit:
            out.append(comp)
            continue
        inside = root[la] == root[local[0]]
        _pieces(comp, a[inside], b[inside], weight[inside], threshold + blocking.cut_step, counts, blocking,
                out)


def _blocked_groups(texts: list[str], params: GroupingParams, embedder: Any, blocking: Blocking,
                    stats: dict[str, Any]) -> tuple[list[list[int]], list[np.ndarray]]:
    distinct, inverse = _distinct(texts)
    n = len(distinct)
    features = _Features(distinct, params, embedder)
    ids, values = _neighbours(features, blocking.neighbours, blocking.chunk_cells)
    scale = _blocked_scales(features, ids, values, params, blocking.chunk_cells) if features.scaled \
        else np.zeros(n, dtype=np.float32)
    own = np.repeat(np.arange(n), ids.shape[1])
    other = ids.reshape(-1)
    penalty = features.neighbour_conflicts(ids, blocking.chunk_cells).reshape(-1)
    scaled = _floored(values.reshape(-1) - (scale[own] + scale[other]) / 2 - penalty, values.reshape(-1),
                      params.min_raw)
    edge = (scaled >= params.threshold) & (own != other)
    # A full list whose last entry still reaches the threshold (against the lowest scale) may hide links.
    last = values[:, -1] - (scale + scale.min()) / 2
    stats.update(distinct=n, neighbours=ids.shape[1], edges=int(edge.sum()),
                 saturated=int(np.sum(last >= params.threshold)) if ids.shape[1] < n else 0)
    counts = np.bincount(inverse, minlength=n)
    pieces: list[np.ndarray] = []
    _pieces(np.arange(n), own[edge], other[edge], scaled[edge], params.threshold, counts, blocking, pieces)
    item_lists = _split_by(inverse)  # the attributions of each distinct text, ascending
    groups: list[list[int]] = []
    centrality: list[np.ndarray] = []
    largest = cut = 0
    for members in pieces:
        if len(members) == 1 and counts[members[0]] == 1:
            groups.append([int(item_lists[members[0]][0])])
            centrality.append(np.zeros(1))
            continue
        raw = features.block(members)
        block = raw - (scale[members][:, None] + scale[members][None, :]) / 2 if features.scaled else raw
        block = _floored(block - features.conflicts(members), raw, params.min_raw)
        members_items = np.sort(np.concatenate([item_lists[d] for d in members]))
        largest = max(largest, len(members_items))
        if len(members_items) <= blocking.component_limit:
            # Attributions, not distinct texts, as on the dense path: the same groups.
            local = np.searchsorted(members, inverse[members_items])
            sub = block[np.ix_(local, local)]
            for g in _nn_chain(sub, params.threshold):
                groups.append([int(members_items[x]) for x in g])
                centrality.append(_centrality(sub[np.ix_(g, g)]))
            continue
        # Too many verbatim copies to link one by one: each distinct text is one row weighing its copies.
        cut += 1
        weights = counts[members].astype(np.float64)
        for g in _nn_chain(block, params.threshold, weights):
            total = weights[g].sum()
            sums = block[np.ix_(g, g)].astype(np.float64) @ weights[g]
            own_mean = (sums - np.diag(block)[g]) / max(total - 1.0, 1.0)
            groups.append([int(i) for d in g for i in item_lists[members[d]]])
            centrality.append(np.repeat(own_mean, counts[members][g]))
    stats.update(pieces=len(pieces), largest_piece=largest, weighted_pieces=cut)
    return groups, centrality
