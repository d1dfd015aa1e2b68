"""The neural attribution tagger: input encoding, the hashed-feature embedding, BIO decoding,
a training step that can learn, and the shipped weights on a hand-written article."""

import numpy as np
import pytest
from thinc.api import Adam, fix_random_seed

from claimledger import attribution_model, attribution_net as net
from claimledger.nlp import load_nlp


def test_encode_gives_each_token_a_contiguous_run_of_bucket_ids():
    ids, starts, n = net.encode([["w=said", "p=VERB"], ["w=it"], []])
    assert n == 3
    per_feature = len(net.HASH_SEEDS)
    assert list(starts) == [0, 2 * per_feature, 3 * per_feature]
    # A token without features still gets one (empty-string) feature, so no run is empty.
    assert len(ids) == 4 * per_feature
    assert ids.min() >= 0 and ids.max() < net.N_BUCKETS


def test_bag_embedding_sums_rows_and_scatters_gradients_back():
    layer = net.bag_embed(net.N_BUCKETS, 4)
    paragraphs = [net.encode([["a", "b"], ["c"], ["a"]]), net.encode([["b"]])]
    layer.initialize(X=paragraphs)
    table = layer.get_param("E")
    out, backprop = layer.begin_update(paragraphs)
    expected = np.stack([sum(table[list(net._buckets(f))].sum(0) for f in feats)
                         for feats in (["a", "b"], ["c"], ["a"])])
    assert np.allclose(out[0], expected)
    backprop([np.ones((3, 4), dtype="float32"), 2 * np.ones((1, 4), dtype="float32")])
    grad = layer.get_grad("E")
    # "a" occurs twice with gradient 1, "b" once with 1 and once with 2.
    for feature, times in (("a", 2), ("b", 3), ("c", 1)):
        for bucket in net._buckets(feature):
            assert np.allclose(grad[bucket], times)
    assert np.count_nonzero(grad.any(axis=1)) == 3 * len(net.HASH_SEEDS)


def _one_hot(rows: list[str]) -> np.ndarray:
    probs = np.full((len(rows), len(net.LABELS)), 0.01, dtype="float32")
    for k, label in enumerate(rows):
        probs[k, net.LABEL_INDEX[label]] = 0.9
    return probs


def test_decode_follows_the_probabilities_when_they_are_well_formed():
    labels = ["B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O"]
    assert net.decode(_one_hot(labels)) == labels


def test_decode_never_starts_a_run_with_an_inside_label():
    probs = _one_hot(["O", "I-CUE", "O"])
    probs[1, net.LABEL_INDEX["B-CUE"]] = 0.5
    assert net.decode(probs) == ["O", "B-CUE", "O"]
    # An I- of another role cannot continue a run either.
    probs = _one_hot(["B-SOURCE", "I-CUE"])
    probs[1, net.LABEL_INDEX["I-SOURCE"]] = 0.3
    assert net.decode(probs) == ["B-SOURCE", "I-SOURCE"]
    assert net.decode(np.zeros((0, len(net.LABELS)))) == []


def test_a_few_updates_teach_the_network_a_toy_pattern():
    fix_random_seed(0)
    model = net.build_model(dropout=0.0)
    feats = [["w=ana"], ["w=said"], ["w=rain"], ["w=falls"]]
    gold = np.array([net.LABEL_INDEX[x] for x in ("B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT")])
    batch = [(net.encode(feats), gold)]
    model.initialize(X=[batch[0][0]], Y=[np.zeros((1, len(net.LABELS)), dtype="float32")])
    optimizer = Adam(0.01)
    first = net.update(model, optimizer, batch)
    for _ in range(30):
        last = net.update(model, optimizer, batch)
    assert last < first / 5
    assert net.decode(net.probabilities(feats, model)) == ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT"]


@pytest.mark.skipif(not net.is_available(), reason="network weights not built")
def test_shipped_network_tags_a_plain_reported_statement():
    doc = load_nlp()("The mayor of Porto said on Tuesday that the new bridge would open in May.\n")
    toks = next(attribution_model.paragraphs(doc))
    probs = net.probabilities(attribution_model.paragraph_features(toks))
    assert probs.shape == (len(toks), len(net.LABELS))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    labels = dict(zip((t.text for t in toks), net.decode(probs)))
    assert labels["said"] == "B-CUE"
    assert labels["mayor"].endswith("SOURCE")
    assert labels["bridge"].endswith("CONTENT")


def test_saved_weights_load_back_with_the_same_predictions(tmp_path):
    fix_random_seed(1)
    model = net.build_model(dropout=0.0)
    feats = [["w=ana"], ["w=said"], ["w=it"], ["w=rains"]]
    model.initialize(X=[net.encode(feats)], Y=[np.zeros((1, len(net.LABELS)), dtype="float32")])
    path = tmp_path / "net.npz"
    net.save(model, path)
    loaded = net.load(path)
    try:
        assert np.allclose(net.probabilities(feats, loaded), net.probabilities(feats, model), atol=1e-3)
    finally:
        net.load.cache_clear()


def test_encode_skips_features_that_copy_a_neighbour():
    plain = net.encode([["w=said", "p=VERB"]])
    with_copies = net.encode([["w=said", "-1:w=ana", "p=VERB", "ww=ana|said", "1:p=DET"]])
    assert np.array_equal(plain[0], with_copies[0])


def test_damaged_weights_leave_the_crf_to_tag_alone(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "attribution_net.npz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(net, "MODEL_PATH", bad)
    assert net.is_available() is False
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "CRF alone" in err[0]
    # The analysis still runs (on the CRF's marginals alone).
    doc = load_nlp()("The minister said the port would reopen on Monday.\n")
    tagging = attribution_model.tag(doc)
    assert any(doc.text[s:e] == "said" for t in tagging.attributions for s, e in t.cue)
