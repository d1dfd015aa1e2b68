"""Token alignment in grouping: the 'unshared' feature, its candidate pairs, fallback and blocked path."""

import dataclasses
import itertools
import zlib

import numpy as np
import pytest

from claimledger import claims as C
from claimledger import grouping as G


def _reference_unshared(a, b):
    """The feature as bench/claims_tokens.py defined it, one pair at a time (states, pieces)."""
    (sa, pa), (sb, pb) = a, b
    s = sa @ sb.T
    best_a, best_b = s.max(axis=1), s.max(axis=0)
    only_a = np.array([p not in G._STOP for p in pa]) & ~np.isin(pa, pb)
    only_b = np.array([p not in G._STOP for p in pb]) & ~np.isin(pb, pa)
    x = float(best_a[only_a].mean()) if only_a.any() else 1.0
    y = float(best_b[only_b].mean()) if only_b.any() else 1.0
    return (x + y) / 2


class TokenFakeEmbedder:
    """Deterministic stand-in for MiniLM with token states: each word's state is a hashed random unit
    vector, so equal words align perfectly and different words barely (tests must not need the model)."""

    dim = 32

    def _word(self, w):
        v = np.random.default_rng(zlib.crc32(w.encode("utf-8"))).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed(self, texts):
        out = np.stack([sum((self._word(w) for w in G.key_terms(t)), np.zeros(self.dim, np.float32))
                        for t in texts])
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)

    def token_states(self, texts):
        self.calls = getattr(self, "calls", 0) + 1
        out = []
        for t in texts:
            pieces = [w.lower() for w in G.WORD_RE.findall(t)]
            states = np.stack([self._word(p) for p in pieces]) if pieces else np.zeros((0, self.dim), np.float32)
            out.append((states, pieces))
        return out


TEXTS = ["the army shelled the dam at Kelo", "artillery of the army wrecked the Kelo dam",
         "twelve miners died at Kelo", "forty miners were rescued at Kelo", "the dam at Kelo was hit",
         "prices in Varn rose", "!!!"]


def _parts(embedder, texts):
    vocab = {}
    out = []
    for states, pieces in embedder.token_states(texts):
        ids = np.array([vocab.setdefault(p, len(vocab)) for p in pieces], dtype=np.int64)
        out.append((states, ids, np.array([p not in G._STOP for p in pieces], dtype=bool)))
    return out


def test_unshared_alignment_matches_the_pairwise_definition():
    e = TokenFakeEmbedder()
    raw = e.token_states(TEXTS[:6])
    parts = _parts(e, TEXTS[:6])
    for i in range(6):
        got = G._unshared_alignment(parts[i], [parts[j] for j in range(6) if j != i])
        want = [_reference_unshared(raw[i], raw[j]) for j in range(6) if j != i]
        assert np.allclose(got, want, atol=1e-5)


def test_unshared_alignment_identical_wording_is_one_and_empty_text_zero():
    e = TokenFakeEmbedder()
    parts = _parts(e, ["the dam was hit", "The dam was hit", "!!!"])
    got = G._unshared_alignment(parts[0], parts[1:])
    assert got[0] == pytest.approx(1.0)  # nothing unshared either way
    assert got[1] == 0.0  # a text without word pieces aligns with nothing


def test_token_alignment_with_every_pair_a_candidate_is_exact():
    e = TokenFakeEmbedder()
    base = G._Features(TEXTS, G.GroupingParams(weight=1.0, threshold=0.0), e)
    align = G._TokenAlignment(TEXTS, e, candidates=100, base_rows=base.rows)
    raw = e.token_states(TEXTS)
    n = len(TEXTS)
    full = align.matrix(np.arange(n), np.arange(n))
    assert np.allclose(full, full.T) and np.allclose(np.diag(full), 1.0)
    for i, j in itertools.combinations(range(n - 1), 2):  # the last text has no pieces
        assert full[i, j] == pytest.approx(_reference_unshared(raw[i], raw[j]), abs=1e-5)
    assert full[0, n - 1] == 0.0
    # Any rows x cols window is the same as the full matrix's.
    rows, cols = np.array([4, 1, 6]), np.array([2, 4, 0])
    assert np.array_equal(align.matrix(rows, cols), full[np.ix_(rows, cols)])


def test_non_candidate_pairs_take_the_lower_worst_candidate_value():
    e = TokenFakeEmbedder()
    base = G._Features(TEXTS, G.GroupingParams(weight=1.0, threshold=0.0), e)
    align = G._TokenAlignment(TEXTS, e, candidates=1, base_rows=base.rows)
    n = len(TEXTS)
    assert len(align.keys) < n * (n - 1) // 2  # not every pair was scored
    full = align.matrix(np.arange(n), np.arange(n))
    scored = {(int(k) // n, int(k) % n) for k in align.keys}
    for i, j in itertools.combinations(range(n), 2):
        if (i, j) not in scored:
            assert full[i, j] == pytest.approx(min(align.worst[i], align.worst[j]))
    # Each text's candidate is its nearest by the sentence-level terms (the empty last text ties with all).
    sim = base.rows(np.arange(n))
    np.fill_diagonal(sim, -np.inf)
    for i in range(n - 1):
        j = int(np.argmax(sim[i]))
        assert (min(i, j), max(i, j)) in scored


def test_token_states_are_computed_once_per_distinct_text():
    e = TokenFakeEmbedder()
    params = dataclasses.replace(G.EMBEDDING_PARAMS, token_candidates=2)
    G.group_texts(TEXTS + TEXTS[:3], e, params)
    assert e.calls == 1


def test_embedder_without_token_states_falls_back_to_sentence_params():
    class Plain:
        embed = TokenFakeEmbedder().embed

    assert G.effective_params(G.EMBEDDING_PARAMS, Plain()) == G.SENTENCE_PARAMS
    assert G.effective_params(G.EMBEDDING_PARAMS, TokenFakeEmbedder()) == G.EMBEDDING_PARAMS
    strict = dataclasses.replace(G.EMBEDDING_PARAMS, min_raw=0.4)
    assert G.effective_params(strict, Plain()).min_raw == 0.4
    assert G.effective_params(G.LEXICAL_PARAMS, None) == G.LEXICAL_PARAMS
    groups, _ = G.group_texts(TEXTS, Plain(), G.EMBEDDING_PARAMS)
    assert groups == G.group_texts(TEXTS, Plain(), G.SENTENCE_PARAMS)[0]


def _ledger(n_topics: int = 14, seed: int = 5):
    rng = np.random.default_rng(seed)
    forms = ["{a} shelled the {t} at {p}", "the {t} at {p} was wrecked by {a} artillery", "the {p} {t} was not hit",
             "{a} closed the crossing at {p}", "the {p} crossing was sealed by {a}", "prices of {t} in {p} rose",
             "{t} in {p} became dearer", "{a} troops entered {p}", "no {a} soldiers are in {p}"]
    out = []
    for k in range(n_topics):
        tag = chr(97 + k // 26) + chr(97 + k % 26)
        fill = {"a": f"Varn{tag}", "p": f"Kelo{tag}", "t": ["dam", "bridge", "grain", "port"][k % 4]}
        for form in rng.choice(forms, size=6):
            out.append(form.format(**fill))
            if rng.random() < 0.2:
                out.append(out[-1])  # a wire copy
    return out


def test_blocked_path_with_token_alignment_groups_as_the_dense_path():
    texts = _ledger()
    params = dataclasses.replace(G.EMBEDDING_PARAMS, token_candidates=6, threshold=-0.02)
    dense, _ = G.group_texts(texts, TokenFakeEmbedder(), params)
    stats = {}
    forced = G.Blocking(dense_limit=0, neighbours=30, chunk_cells=400)
    blocked, _ = G.group_texts(texts, TokenFakeEmbedder(), params, forced, stats)
    assert stats["distinct"] < len(texts)
    assert sorted(map(sorted, blocked)) == sorted(map(sorted, dense))
    assert 5 < len(dense) < len(texts) / 2


@pytest.fixture(scope="module")
def minilm():
    embedder = C.resolve_embedder(True)
    if embedder is None:
        pytest.skip("MiniLM not installed")
    return embedder


def test_minilm_paraphrase_aligns_better_than_a_near_miss(minilm):
    # Same mine, same people: the paraphrase's differing words have counterparts, the near-miss's
    # (another number, another predicate) do not.
    texts = ["twelve miners were killed in the Veshna blast", "a dozen workers died in the explosion at Veshna",
             "forty miners were rescued after the Veshna blast"]
    parts = G._TokenAlignment(texts, minilm, candidates=2,
                              base_rows=G._Features(texts, G.SENTENCE_PARAMS, minilm)._base_rows)
    u = parts.matrix(np.array([0]), np.array([1, 2]))[0]
    assert u[0] > u[1] + 0.05


# ------------------------------------------------------------------ conflicting numbers and times

def test_slots_read_counted_things_and_times():
    assert G.slots("Brightwa would cut about 3,000 jobs in March") == {
        "n:job": frozenset({3000.0}), "t:month": frozenset({"march"})}
    assert G.slots("turnout rose to 71 percent from 64% in 2019") == {
        "n:percent": frozenset({71.0, 64.0}), "t:year": frozenset({"2019"})}
    assert G.slots("fifty thousand people marched") == {"n:person": frozenset({50000.0})}
    assert G.slots("he signed a three-year deal") == {"n:year": frozenset({3.0})}
    assert G.slots("rates will go up next month, he said on Monday") == {
        "t:relative": frozenset({"next month"}), "t:weekday": frozenset({"monday"})}
    assert G.slots("the dam may have been hit") == {}  # the verb 'may' is no month


def test_slots_read_places_and_keep_statements_about_other_towns_apart():
    assert G.slots("the hospital in Lask collapsed") == {"p:place": frozenset({"lask"})}
    assert G.slots("troops entered the town of Port Varn") == {"p:place": frozenset({"port varn"})}
    assert G.slots("the talks began in March") == {"t:month": frozenset({"march"})}  # a month is no place
    texts = ["the hospital in Lask had collapsed", "the school in Dorn was damaged", "the hospital collapsed",
             "the hospital in Lask was destroyed"]
    conflict = G._SlotIndex(texts).block()
    assert conflict[0, 1] == 1.0 and conflict[0, 2] == 0.0 and conflict[0, 3] == 0.0


def test_slot_conflicts_need_the_same_slot_and_no_shared_value():
    texts = ["the plant will cut 3,000 jobs", "the plant will cut 300 jobs", "3,000 jobs will go at the plant",
             "the plant will cut 300 workers", "turnout was 71 percent, up from 64 percent",
             "turnout was 64 percent", "prices rose in March", "prices rose in April", "prices rose last month"]
    conflict = G._SlotIndex(texts).block()
    assert conflict[0, 1] == conflict[1, 0] == 1.0    # another number of the same jobs
    assert conflict[0, 2] == 0.0                      # the same number
    assert conflict[1, 3] == 0.0                      # jobs and workers: not known to be one thing
    assert conflict[4, 5] == 0.0                      # one of the two values is shared
    assert conflict[6, 7] == 1.0 and conflict[6, 8] == 0.0  # a month and a relative time: not comparable
    assert not np.diag(conflict).any()
    assert np.array_equal(G._SlotIndex(texts).subset(np.array([1, 0, 7])).block(), conflict[np.ix_([1, 0, 7], [1, 0, 7])])


def test_conflict_penalty_lowers_exactly_the_conflicting_pairs():
    texts = ["the army cut 3,000 jobs at Kelo", "the army cut 300 jobs at Kelo", "the army cut jobs at Kelo",
             "prices rose sharply"]
    base = dataclasses.replace(G.SENTENCE_PARAMS, conflict=0.0)
    plain = G.similarity_matrix(texts, base, TokenFakeEmbedder())
    pushed = G.similarity_matrix(texts, dataclasses.replace(base, conflict=0.5), TokenFakeEmbedder())
    want = plain.copy()
    want[0, 1] -= 0.5
    want[1, 0] -= 0.5
    assert np.allclose(pushed, want, atol=1e-6)


def test_blocked_path_with_conflicts_groups_as_the_dense_path():
    texts = _ledger()
    rng = np.random.default_rng(3)
    texts = [t + (f" with {rng.choice([300, 3000])} jobs" if rng.random() < 0.3 else "") for t in texts]
    params = dataclasses.replace(G.EMBEDDING_PARAMS, token_candidates=6, threshold=-0.02)
    dense, _ = G.group_texts(texts, TokenFakeEmbedder(), params)
    forced = G.Blocking(dense_limit=0, neighbours=30, chunk_cells=400)
    blocked, _ = G.group_texts(texts, TokenFakeEmbedder(), params, forced, {})
    assert sorted(map(sorted, blocked)) == sorted(map(sorted, dense))
    assert 5 < len(dense) < len(texts) * 0.6  # groups form (the places and job counts keep many apart)
    # The penalty is at work here: without it the groups differ.
    plain, _ = G.group_texts(texts, TokenFakeEmbedder(), dataclasses.replace(params, conflict=0.0))
    assert sorted(map(sorted, plain)) != sorted(map(sorted, dense))
