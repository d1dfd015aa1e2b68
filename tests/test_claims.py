"""The contested-claims board, on report dicts built by hand (independent of the attribution extractor)."""

import importlib.util
import json
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from claimledger import claims as C
from claimledger import grouping as G
from claimledger.cli import main


def article(aid: str, published: str, *sentences: tuple[str, str, str, str, str | None, str]) -> dict:
    """A report dict from (source, kind, cue, content, name, lemma) sentences: 'Source cue that content.'"""
    text, attributions = "", []
    for n, (source, kind, cue, content, name, lemma) in enumerate(sentences, 1):
        base = len(text)
        sentence = f"{source} {cue} that {content}. "
        c0 = base + len(source) + len(cue) + 7
        text += sentence
        attributions.append({
            "id": f"a{n}",
            "source": {"text": source, "start": base, "end": base + len(source), "name": name, "entity": None,
                       "kind": kind},
            "cue": {"text": cue, "start": base + len(source) + 1, "end": base + len(source) + 1 + len(cue),
                    "lemma": lemma},
            "content": {"text": content, "start": c0, "end": c0 + len(content)},
            "form": "indirect", "polarity": "affirm"})
        assert text[c0:c0 + len(content)] == content
    return {"schema": "claimledger.report/1",
            "article": {"id": aid, "title": None, "url": None, "outlet": None, "published": published,
                        "language": "en", "sha256": None},
            "text": text.rstrip(), "entities": [], "attributions": attributions, "no_comment": [],
            "quantities": [], "dates": [], "findings": []}


# The example, spread over three articles, plus an unrelated claim and a one-source claim.
DAM_REPORTS = [
    article("k1", "2025-03-02",
            ("The interior ministry", "organization", "said", "Russian shelling destroyed the Kherna dam", None, "say"),
            ("Minister Olga Marek", "person", "denied", "her forces shelled the Kherna dam", "Olga Marek", "deny")),
    article("k2", "2025-03-03",
            ("A senior engineer", "anonymous", "said", "the Kherna dam was not hit", None, "say"),
            ("Statistics officials", "organization", "said", "unemployment in Valdoria rose in March", None, "say")),
    article("k3", "2025-03-05",
            ("Satellite analysts", "group", "found", "no evidence that the Kherna dam had been struck", None, "find"),
            ("Trade unions", "group", "said", "joblessness in Valdoria fell in March", None, "say"),
            ("The railway company", "organization", "said", "the new Tarn tunnel will open in May", None, "say")),
]


class FakeEmbedder:
    """Deterministic stand-in for MiniLM: bag of hashed words (so tests do not depend on the model)."""

    def embed(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in G.key_terms(t):
                out[i, zlib.crc32(w.encode("utf-8")) % 64] += 1.0  # hash() is salted per process
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-9, None)


@pytest.fixture(params=["lexical", "fake-embedder"])
def board(request):
    if request.param == "lexical":
        return C.build_claims(DAM_REPORTS, use_embeddings=False)
    return C.build_claims(DAM_REPORTS, embedder=FakeEmbedder(), params=G.GroupingParams(0.5, 0.2))


def test_dam_claim_groups_assertion_and_three_kinds_of_denial(board):
    dam = board[0]
    assert dam.status == C.CONTESTED
    assert dam.proposition == "Russian shelling destroyed the Kherna dam."
    assert [e.source for e in dam.asserts] == ["The interior ministry"]
    assert sorted(e.source for e in dam.denies) == ["A senior engineer", "Olga Marek", "Satellite analysts"]
    denial = {e.source: e for e in dam.denies}
    assert any("cue" in r for r in denial["Olga Marek"].reasons)
    assert any("'no'" in r for r in denial["Satellite analysts"].reasons)


def test_entries_keep_evidence_links(board):
    entry = next(e for e in board[0].denies if e.source == "A senior engineer")
    report = DAM_REPORTS[1]
    assert (entry.article_id, entry.attribution_id, entry.source_kind) == ("k2", "a1", "anonymous")
    assert report["text"][entry.start:entry.end] == entry.content == "the Kherna dam was not hit"
    assert entry.cue == "said" and entry.published == "2025-03-03"


def test_antonyms_keep_a_claim_together_and_contested(board):
    jobs = next(c for c in board if "Valdoria" in c.proposition)
    assert jobs.status == C.CONTESTED and len(jobs.entries) == 2
    assert len(board) == 3  # dam, jobs, tunnel


def test_ranking_contested_then_sources_then_recency(board):
    assert [c.status for c in board] == [C.CONTESTED, C.CONTESTED, C.ASSERTED]
    assert len(board[0].sources) == 4 > len(board[1].sources) == 2
    a = C.Claim("x", "p", asserts=[C.ClaimEntry("S", "S", "person", "a1", "old", "2020-01-01", "c", 0, 1, "said",
                                                "asserts")])
    b = C.Claim("y", "q", asserts=[C.ClaimEntry("T", "T", "person", "a1", "new", "2024-01-01", "c", 0, 1, "said",
                                                "asserts")])
    assert [c.id for c in C.rank([a, b])] == ["y", "x"]


def test_filters_min_sources_and_contested_only():
    everything = C.build_claims(DAM_REPORTS, use_embeddings=False)
    assert [c.status for c in C.build_claims(DAM_REPORTS, use_embeddings=False, contested_only=True)] == \
        [C.CONTESTED, C.CONTESTED]
    assert len(C.build_claims(DAM_REPORTS, use_embeddings=False, min_sources=3)) == 1
    assert len(everything) == 3


def test_only_denials_make_a_denied_claim():
    report = article("d1", "2025-01-01",
                     ("The ministry", "organization", "denied", "troops crossed the Kestrian border", None, "deny"),
                     ("A spokesman", "anonymous", "rejected", "claims that troops crossed the Kestrian border",
                      None, "reject"))
    (claim,) = C.build_claims([report], use_embeddings=False)
    assert claim.status == C.DENIED and not claim.asserts
    assert claim.proposition == "Troops crossed the Kestrian border."


def entry(source, text, kind, article, start, stance="asserts", named=False):
    return C.ClaimEntry(source, text, kind, f"a{start}", article, None, "c", start, start + 1, "said", stance,
                        named=named)


def test_same_anonymous_phrase_in_two_articles_counts_twice():
    e1, e2 = entry("officials", "officials", "anonymous", "k1", 0), entry("officials", "officials", "anonymous", "k2", 0)
    n1 = entry("Olga Marek", "the minister", "person", "k1", 5, named=True)
    n2 = entry("Olga Marek", "Marek", "person", "k2", 5, named=True)
    assert len(C.Claim("c", "p", asserts=[e1, e2, n1, n2]).sources) == 3


def test_source_counting_merges_a_surname_and_counts_one_span_once():
    full = entry("Ilse Marrow", "Governor Ilse Marrow", "person", "k1", 0, named=True)
    surname = entry("Marrow", "Marrow", "person", "k2", 0, named=True)
    # the extractor gave one span two sources: it is one statement
    twice = entry("opposition councillors", "opposition councillors", "group", "k1", 0)
    office1, office2 = entry("Her office", "Her office", "organization", "k1", 9), \
        entry("Her office", "Her office", "organization", "k2", 9)
    body1, body2 = entry("the Tavir Water Authority", "the Tavir Water Authority", "organization", "k1", 20), \
        entry("the Tavir Water Authority", "the Tavir Water Authority", "organization", "k2", 20)
    claim = C.Claim("c", "p", asserts=[full, surname, twice, office1, office2, body1, body2])
    assert sorted(claim.sources) == sorted(["ilse marrow", "k1\x00her office", "k2\x00her office",
                                            "the tavir water authority"])
    assert claim.to_dict()["source_names"] == ["Her office", "Her office", "Ilse Marrow", "the Tavir Water Authority"]


def test_one_source_on_both_sides_is_contested_but_ranked_below_a_dispute():
    alone = C.Claim("x", "p", asserts=[entry("Petra Halloway", "She", "person", "k1", 0, named=True)],
                    denies=[entry("Petra Halloway", "Halloway", "person", "k2", 0, "denies", named=True)])
    dispute = C.Claim("y", "q", asserts=[entry("Anselm Rook", "Rook", "person", "k1", 3, named=True)],
                      denies=[entry("Petra Halloway", "Halloway", "person", "k2", 3, "denies", named=True)])
    assert alone.status == dispute.status == C.CONTESTED
    assert not alone.opposed and dispute.opposed and alone.to_dict()["opposed"] is False
    assert [c.id for c in C.rank([alone, dispute])] == ["y", "x"]


def test_average_linkage_does_not_chain():
    # a~b and b~c are close but a and c are not: single linkage would chain all three.
    sim = np.array([[1, .8, .1], [.8, 1, .8], [.1, .8, 1]], dtype=np.float32)
    groups = G.average_linkage(sim, 0.6)
    assert sorted(map(len, groups)) == [1, 2]
    assert sorted(map(len, G.average_linkage(sim, 0.05))) == [3]


def test_key_terms_share_antonym_keys_and_stems():
    a, b = G.key_terms("Prices rose in Valdoria"), G.key_terms("prices fell in Valdoria")
    assert a.keys() == b.keys()
    assert G.key_terms("the villagers were evacuated") == {"villager": 1.0, "evacuat": 1.0}
    assert G.key_terms("Shelling hit Kherna") == {"~damage": 0.5, "kherna": 2.0}
    assert G.lexical_similarity(G.key_terms("the dam"), G.key_terms("a bridge")) == 0.0


def test_ids_are_stable_and_dicts_serialise(board):
    again = C.build_claims(DAM_REPORTS, use_embeddings=False)
    assert {c.id for c in again} == {c.id for c in C.build_claims(DAM_REPORTS, use_embeddings=False)}
    d = board[0].to_dict()
    assert json.loads(json.dumps(d))["status"] == "contested"
    assert d["sources"] == 4 and d["articles"] == 3 and d["latest"] == "2025-03-05"
    assert d["proposition_from"] == {"article_id": "k1", "attribution_id": "a1"}
    assert set(d["denies"][0]) >= {"source", "source_kind", "attribution_id", "article_id", "content", "cue"}


def test_renderers_escape_and_show_both_sides(board):
    text = C.format_text(board)
    assert "[CONTESTED] Russian shelling destroyed the Kherna dam." in text and "denies" in text
    page = C.to_html(board + [C.Claim("z", "<script>x</script>", asserts=[])])
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert C.format_text([]) == "No claims.\n"


def test_attribution_without_content_words_is_skipped():
    report = article("e1", None, ("He", "unknown", "said", "no", None, "say"))
    assert C.build_claims([report], use_embeddings=False) == []


def test_the_evidence_a_source_cites_is_no_proposition_of_its_own():
    report = article("e2", None,
                     ("The ministry", "organization", "said", "the convoy carried rockets into Varn", None, "say"),
                     ("The ministry", "organization", "citing", "intercepted radio traffic from the convoy", None, "cite"),
                     ("Two officials", "group", "said", "intercepted radio traffic from the convoy was forged", None, "say"))
    entries = [e.attribution_id for c in C.build_claims([report], use_embeddings=False, min_sources=1) for e in c.entries]
    assert "a2" not in entries and "a1" in entries and "a3" in entries


def test_a_dismissal_answers_the_last_assertion_not_a_doubt_raised_after_it():
    report = article("e3", None,
                     ("Two Western officials", "anonymous", "said", "radar data showed that Ostland's artillery shelled Dorn",
                      None, "say"),
                     ("A third official", "anonymous", "said", "there was no evidence that Belmar had fired on Kell",
                      None, "say"),
                     ("Ostland's foreign minister", "person", "dismissed", "the reports as propaganda", None, "dismiss"))
    claim = next(c for c in C.build_claims([report], use_embeddings=False, min_sources=1)
                 if any(e.attribution_id == "a3" for e in c.entries))
    assert [e.attribution_id for e in claim.asserts] == ["a1"] and [e.attribution_id for e in claim.denies] == ["a3"]


def test_a_rejected_claim_is_a_claim_not_a_call_to_act():
    report = article("e4", None,
                     ("Dr. Vail", "person", "said", "the vaccine causes hair loss", "Vail", "say"),
                     ("Dr. Vail", "person", "called for", "the state to pause its flu clinics", "Vail", "call"),
                     ("Helvion Pharma", "organization", "rejected", "the claim", None, "reject"))
    claim = next(c for c in C.build_claims([report], use_embeddings=False, min_sources=1)
                 if any(e.attribution_id == "a3" for e in c.entries))
    assert [e.attribution_id for e in claim.asserts] == ["a1"]


def test_what_a_correction_withdraws_is_no_live_assertion():
    report = article("e5", None,
                     ("An earlier version of this article", "document", "incorrectly stated",
                      "Dunmore had banned leaf blowers", None, "state"),
                     ("The city", "organization", "said", "Dunmore had not banned leaf blowers", None, "say"))
    entries = [e.attribution_id for c in C.build_claims([report], use_embeddings=False, min_sources=1) for e in c.entries]
    assert entries == ["a2"]


def test_claims_for_report_with_real_embeddings_when_installed():
    from claimledger.embeddings import default_embedder

    if not default_embedder().available():
        pytest.skip("embedding model not installed")
    out = C.claims_for_report(DAM_REPORTS[0])
    assert len(out) == 1 and out[0]["status"] == "contested"
    assert [c.status for c in C.build_claims(DAM_REPORTS)][:1] == [C.CONTESTED]


def test_claims_command_over_a_ledger(tmp_path):
    from claimledger.store import Ledger

    db = tmp_path / "ledger.db"
    with Ledger.open(str(db), create=True) as ledger:
        ledger.store(DAM_REPORTS)
    runner = CliRunner()
    result = runner.invoke(main, ["claims", "--db", str(db), "--format", "json", "--lexical", "--contested-only"])
    assert result.exit_code == 0, result.output
    board = json.loads(result.output)
    assert [c["status"] for c in board] == ["contested", "contested"]
    assert board[0]["proposition"] == "Russian shelling destroyed the Kherna dam."
    result = runner.invoke(main, ["claims", "--db", str(db), "--lexical", "--min-sources", "3"])
    assert result.exit_code == 0 and result.output.startswith("[CONTESTED] Russian shelling")
    html_out = tmp_path / "board.html"
    result = runner.invoke(main, ["claims", "--db", str(db), "--lexical", "--format", "html", "-o", str(html_out)])
    assert result.exit_code == 0 and "Olga Marek" in html_out.read_text(encoding="utf-8")
    missing = tmp_path / "no" / "such" / "board.txt"
    result = runner.invoke(main, ["claims", "--db", str(db), "--lexical", "-o", str(missing)])
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output


def test_claims_command_missing_db_is_one_clean_line(tmp_path):
    result = CliRunner().invoke(main, ["claims", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_analyze_with_claims_adds_claims_list(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The interior ministry said on Monday that Russian shelling had destroyed the Kherna dam. "
                    "Defence Minister Olga Marek denied that her forces had shelled the dam. "
                    '"We never fired on the dam," Marek said. "Nobody kept the wall in repair."\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(path), "--format", "json", "--claims",
                                       "--published", "2025-03-02"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert isinstance(report["claims"], list)
    assert any("fragments" in e["content"] for c in report["claims"] for e in c["asserts"] + c["denies"])
    # What the board finds depends on the extractor; every entry must point at real text.
    for claim in report["claims"]:
        for entry in claim["asserts"] + claim["denies"]:
            c = entry["content"]
            assert report["text"][c["start"]:c["end"]] == c["text"]
            for f in c.get("fragments", []):  # a content split around its cue: its pieces, and the words shown
                assert c["start"] <= f["start"] < f["end"] <= c["end"]
                assert report["text"][f["start"]:f["end"]] in c["shown"]
            cue = entry["cue_span"]
            assert report["text"][cue["start"]:cue["end"]] == entry["cue"]
    page = tmp_path / "a.html"
    result = CliRunner().invoke(main, ["analyze", str(path), "--format", "html", "--claims", "-o", str(page)])
    assert result.exit_code == 0 and "<h2>Claims</h2>" in page.read_text(encoding="utf-8")


def _brute_force_average_linkage(sim, threshold):
    n = len(sim)
    s = sim.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    members = {i: [i] for i in range(n)}
    while True:
        i, j = divmod(int(np.argmax(s)), n)
        if s[i, j] < threshold:
            return sorted(sorted(v) for v in members.values())
        ni, nj = len(members[i]), len(members[j])
        merged = (s[i] * ni + s[j] * nj) / (ni + nj)
        s[i, :], s[:, i] = merged, merged
        s[i, i] = -np.inf
        s[j, :], s[:, j] = -np.inf, -np.inf
        members[i] += members.pop(j)


def test_nearest_neighbour_chain_matches_brute_force_average_linkage():
    rng = np.random.default_rng(7)
    for _ in range(60):
        n = int(rng.integers(2, 30))
        x = rng.normal(size=(n, 4))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        sim = (x @ x.T).astype(np.float32)
        threshold = float(rng.uniform(-0.2, 0.9))
        got = sorted(sorted(g) for g in G.average_linkage(sim, threshold))
        assert got == _brute_force_average_linkage(sim, threshold)


def test_lexical_matrix_matches_pairwise_function():
    texts = ["Shelling destroyed the Kherna dam", "the Kherna dam was not hit", "Prices rose 4 percent in March",
             "nothing"]
    m = G.lexical_matrix(texts)
    for i in range(len(texts)):
        for j in range(len(texts)):
            if i != j:
                expected = G.lexical_similarity(G.key_terms(texts[i]), G.key_terms(texts[j]))
                assert m[i, j] == pytest.approx(expected, abs=1e-6)


def test_predicate_phrase_keeps_what_happened_without_names(nlp):
    assert G.predicate_phrases(["Russian shelling had destroyed the Kherna dam overnight"]) == ["destroyed the dam"]
    (phrase,) = G.predicate_phrases(["4,000 people living below the Kherna dam had been moved to safety"])
    assert "moved to safety" in phrase and "Kherna" not in phrase


def test_local_scaling_matches_definition_and_floor():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(9, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    sim = (x @ x.T).astype(np.float32)
    for k, floor in ((1, 0.0), (3, 0.0), (3, 0.5), (20, 0.0)):
        got = G.local_scaling(sim, k, floor)
        kk = min(k, len(sim) - 1)
        scale = [max(np.mean(sorted(np.delete(sim[i], i))[-kk:]), floor) for i in range(len(sim))]
        expected = sim - (np.array(scale)[:, None] + np.array(scale)[None, :]) / 2
        assert np.allclose(got, expected, atol=1e-6)
    assert G.local_scaling(sim, 0) is sim  # off
    assert G.local_scaling(sim[:1, :1], 3).shape == (1, 1)


def test_local_scaling_separates_near_misses_in_a_dense_event():
    # Items 0-3 are near-misses about one event (0.55-0.6 alike) except 0-1, paraphrases at 0.7;
    # items 4-5 are paraphrases of a quiet story at 0.5. No absolute threshold keeps 0-1 and 4-5 while
    # splitting the event; measured against each item's neighbourhood one does.
    sim = np.full((6, 6), 0.1, dtype=np.float32)
    sim[:4, :4] = 0.6
    sim[0, 1] = sim[1, 0] = 0.7
    sim[2, 3] = sim[3, 2] = 0.55
    sim[4, 5] = sim[5, 4] = 0.5
    np.fill_diagonal(sim, 1.0)
    absolute = [sorted(g) for g in G.average_linkage(sim, 0.5)]
    assert [0, 1, 2, 3] in absolute  # the event collapses into one claim; at 0.56 and up 4-5 split
    scaled = G.local_scaling(sim, 1, 0.3)
    assert sorted(sorted(g) for g in G.average_linkage(scaled, 0.0)) == [[0, 1], [2], [3], [4, 5]]


def test_similarity_matrix_ignores_verbatim_duplicates_when_scaling():
    texts = ["Shelling destroyed the Kherna dam", "the Kherna dam was not hit", "artillery wrecked the dam",
             "prices rose in March"]
    params = G.GroupingParams(weight=0.5, threshold=0.0, predicate=0.0, local_k=2, local_floor=0.1)
    once = G.similarity_matrix(texts, params, FakeEmbedder())
    twice = G.similarity_matrix(texts + [texts[0], texts[0]], params, FakeEmbedder())
    assert np.allclose(twice[:4, :4], once, atol=1e-6)
    assert np.allclose(twice[4], twice[0]) and np.allclose(twice[:, 5], twice[:, 0])


def test_local_scaling_counts_near_duplicates_once():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(7, 6))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    copy = x[0] + 0.05 * rng.normal(size=6)  # a lightly edited copy of text 0
    y = np.vstack([x, copy / np.linalg.norm(copy)])
    sim = (y @ y.T).astype(np.float32)
    assert sim[0, 7] >= G.DUPLICATE_SIMILARITY
    with_copy = G.local_scaling(sim, 2, 0.0)
    alone = G.local_scaling(sim[:7, :7], 2, 0.0)
    assert np.allclose(with_copy[:7, :7], alone, atol=1e-6)  # the copy is nobody's extra neighbour
    # ... and it is scaled like the text it copies.
    assert sim[7, 3] - with_copy[7, 3] == pytest.approx(sim[0, 3] - with_copy[0, 3], abs=1e-6)


# ------------------------------------------------------------------ blocked path (large ledgers)

def _synthetic_items(n_topics: int = 30, seed: int = 11):
    """Hand-made templates with invented names: paraphrases, denials, near-misses and verbatim copies."""
    rng = np.random.default_rng(seed)
    forms = ["{a} shelled the {t} at {p}", "the {t} at {p} was destroyed by {a}", "the {p} {t} was not hit",
             "{a} closed the crossing at {p}", "the {p} crossing was shut by {a}", "prices of {t} in {p} rose",
             "{t} prices in {p} fell sharply", "{a} troops entered {p}", "no {a} soldiers are in {p}"]
    things = ["dam", "bridge", "grain", "port", "mine"]
    sentences = []
    for k in range(n_topics):
        tag = chr(97 + k // 26) + chr(97 + k % 26)  # letters only: "Varn0" would share the key "varn"
        fill = {"a": f"Varn{tag}", "p": f"Kelo{tag}", "t": things[k % len(things)]}
        for form in rng.choice(forms, size=6):
            sentences.append(form.format(**fill))
            if rng.random() < 0.2:
                sentences.append(sentences[-1])  # a wire copy
    reports = [article(f"s{i}", "2025-01-01",
                       *[("Officials", "anonymous", "said", s, None, "say") for s in sentences[i:i + 5]])
               for i in range(0, len(sentences), 5)]
    return C._items(reports)


def _group_sets(groups):
    return sorted(sorted(g) for g in groups)


@pytest.mark.parametrize("embedder,params", [
    (None, G.LEXICAL_PARAMS),
    (FakeEmbedder(), G.GroupingParams(weight=0.9, threshold=-0.04, predicate=0.0, local_k=5, local_floor=0.3)),
    (FakeEmbedder(), G.GroupingParams(weight=0.6, threshold=0.3)),
])
def test_blocked_path_groups_as_the_dense_path(embedder, params):
    items = _synthetic_items()
    dense, dense_central = C.group_items(items, embedder, params)
    stats = {}
    forced = G.Blocking(dense_limit=0, neighbours=40, chunk_cells=500)
    blocked, blocked_central = C.group_items(items, embedder, params, forced, stats)
    assert stats["distinct"] < len(items)  # verbatim copies are present
    assert _group_sets(blocked) == _group_sets(dense)
    assert 10 < len(dense) < len(items) / 2  # a real partition, neither all-in-one nor all apart
    central = {tuple(sorted(g)): c for g, c in zip(dense, dense_central)}
    for g, c in zip(blocked, blocked_central):
        order = np.argsort(g)
        assert np.allclose(np.asarray(c)[order], central[tuple(sorted(g))], atol=1e-5)


def test_blocked_local_scales_match_dense_local_scaling():
    items = _synthetic_items(12)
    texts, _ = G._distinct([it.match_text for it in items])
    params = G.GroupingParams(weight=1.0, threshold=0.0, local_k=3, local_floor=0.1)
    features = G._Features(texts, params, FakeEmbedder())
    sim = features.block(np.arange(len(texts)))
    ids, values = G._neighbours(features, 6, 300)  # short lists: some rows must be recomputed
    scale = G._blocked_scales(features, ids, values, params, 300)
    expected_shift = sim - G.local_scaling(sim, 3, 0.1)
    assert np.allclose((scale[:, None] + scale[None, :]) / 2, expected_shift, atol=1e-5)


def test_oversized_components_are_cut_and_copies_weighted():
    items = _synthetic_items(8)
    params = G.GroupingParams(weight=0.6, threshold=0.2)
    stats = {}
    small = G.Blocking(dense_limit=0, component_limit=6, chunk_cells=500)
    groups, central = C.group_items(items, FakeEmbedder(), params, small, stats)
    assert sorted(i for g in groups for i in g) == list(range(len(items)))  # a partition of the items
    assert stats["largest_piece"] <= 6 and all(len(c) == len(g) for g, c in zip(groups, central))
    # Every cut group still lies inside one group of the exact clustering or splits it; never merges two.
    dense = C.group_items(items, FakeEmbedder(), params)[0]
    where = {i: k for k, g in enumerate(dense) for i in g}
    assert all(len({where[i] for i in g}) == 1 for g in groups)


def test_many_copies_of_one_text_link_as_one_weighted_row():
    items = _synthetic_items(3)
    copies = [items[0]] * 30 + items
    small = G.Blocking(dense_limit=0, component_limit=10, chunk_cells=500)
    stats = {}
    groups, _ = C.group_items(copies, None, G.LEXICAL_PARAMS, small, stats)
    assert stats["weighted_pieces"] >= 1
    (home,) = [g for g in groups if 0 in g]
    assert set(range(30)) <= set(home)


def test_roots_label_components_by_smallest_member():
    roots = G._roots(7, np.array([5, 2, 6]), np.array([3, 5, 4]))
    assert roots.tolist() == [0, 1, 2, 2, 4, 2, 4]


def test_min_similarity_keeps_merely_related_statements_apart():
    params = G.GroupingParams(0.5, 0.2)
    loose = C.build_claims(DAM_REPORTS, embedder=FakeEmbedder(), params=params)
    strict = C.build_claims(DAM_REPORTS, embedder=FakeEmbedder(), params=params, min_similarity=0.95)
    assert max(len(c.entries) for c in loose) > 1
    assert len(strict) > len(loose)
    assert sum(len(c.entries) for c in strict) == sum(len(c.entries) for c in loose)   # nothing lost
    # The blocked path (large ledgers) applies the same floor.
    forced = G.Blocking(dense_limit=0, neighbours=40, chunk_cells=500)
    for floor in (0.3, 0.95):
        dense = C.build_claims(DAM_REPORTS, embedder=FakeEmbedder(), params=params, min_similarity=floor)
        blocked = C.build_claims(DAM_REPORTS, embedder=FakeEmbedder(), params=params, min_similarity=floor,
                                 blocking=forced)
        assert {c.id for c in blocked} == {c.id for c in dense}


def test_claims_command_min_similarity(tmp_path):
    from claimledger.store import Ledger

    db = tmp_path / "ledger.db"
    with Ledger.open(str(db), create=True) as ledger:
        ledger.store(DAM_REPORTS)
    runner = CliRunner()
    loose = runner.invoke(main, ["claims", "--db", str(db), "--format", "json", "--lexical"])
    strict = runner.invoke(main, ["claims", "--db", str(db), "--format", "json", "--lexical", "--min-similarity", "0.9"])
    assert loose.exit_code == 0 and strict.exit_code == 0, strict.output
    assert len(json.loads(strict.output)) > len(json.loads(loose.output))
    bad = runner.invoke(main, ["claims", "--db", str(db), "--min-similarity", "2"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_a_split_quote_is_grouped_and_shown_by_its_pieces_not_its_envelope(tmp_path):
    from claimledger.pipeline import analyze

    split = analyze('"The dam was shelled overnight," the engineer Lina Moss said on Friday. '
                    '"The spillway is gone."\n', id="s1", published="2025-02-01").to_dict()
    plain = analyze("Rescue workers said the dam was shelled overnight and the spillway is gone.\n",
                    id="s2", published="2025-02-02").to_dict()
    entries = [e for c in C.build_claims([split, plain], use_embeddings=False, min_sources=1) for e in c.entries]
    moss = next(e for e in entries if e.article_id == "s1")
    assert moss.content == '"The dam was shelled overnight," \u2026 "The spillway is gone."'
    assert "Lina Moss" not in moss.content


def test_a_relayed_quote_names_whom_its_source_quotes():
    report = article("r1", "2025-03-04", ("the <Gazette>", "organization", "according to",
                                          "the Kherna dam was not hit", None, "according to"))
    report["attributions"][0]["original_source"] = {"text": "Mara", "start": 0, "end": 4, "name": "Mara <Holt>",
                                                    "entity": None, "kind": "person"}
    [claim] = C.build_claims([report], use_embeddings=False)
    [entry] = claim.entries
    assert entry.quoting == "Mara <Holt>" and entry.to_dict()["quoting"] == "Mara <Holt>"
    assert "the <Gazette>, quoting Mara <Holt> [organization]" in C.format_text([claim])
    page = C.to_html([claim])
    assert "the &lt;Gazette&gt;, quoting Mara &lt;Holt&gt;" in page and "<Holt>" not in page
    plain = C.build_claims(DAM_REPORTS, use_embeddings=False)[0].entries[0]
    assert plain.quoting is None and "quoting" not in plain.to_dict() and "quoting" not in plain.who


def _bench_module():
    path = Path(__file__).resolve().parents[1] / "bench" / "claims.py"
    spec = importlib.util.spec_from_file_location("bench_claims", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_claims"] = bench  # dataclasses look their module up while the class is built
    spec.loader.exec_module(bench)
    return bench


def test_bench_format_global_articles_and_lead_ins(tmp_path):
    """bench/claims.py's set format: '@ID' puts lines of two topics in one article, words after KIND open the
    sentence, and every offset still points at the source, cue and content."""
    bench = _bench_module()
    data = tmp_path / "set.txt"
    data.write_text(
        "# article @R1 2026-06-01\n"
        "# topic T1 mixed 2026-05-30\n"
        "## P1 The Arno mill burned down\n"
        "@R1 + org  At the mill on Monday, | the fire brigade | | said | that the mill had burned to the ground\n"
        "a1 - per  | owner Ida Venn | Ida Venn | said | \"Only the roof caught fire\"\n"
        "# topic T2 mixed\n"
        "## P2 The Arno ferry was cancelled\n"
        "@R1 - anon Across the river, | a ferryman | | said | \"We sailed at noon as usual\"\n", encoding="utf-8")
    rows, statements, dates = bench.parse((data,))
    assert [(g.article, g.lead) for g in rows] == [("R1", "At the mill on Monday,"), ("T1-a1", ""),
                                                  ("R1", "Across the river,")]
    assert dates == {"T1-a1": "2026-05-30", "R1": "2026-06-01"} and set(statements) == {"P1", "P2"}
    reports, gold = bench.build_reports(rows, dates)
    mixed = next(r for r in reports if r["article"]["id"] == "R1")
    assert mixed["text"] == ("At the mill on Monday, the fire brigade said that the mill had burned to the ground. "
                             "Across the river, a ferryman said: \u201cWe sailed at noon as usual.\u201d")
    assert {gold[("R1", a["id"])].topic for a in mixed["attributions"]} == {"T1", "T2"}
    for report in reports:
        for a in report["attributions"]:
            g = gold[(report["article"]["id"], a["id"])]
            for part, want in (("source", g.source), ("cue", g.cue), ("content", a["content"]["text"])):
                assert report["text"][a[part]["start"]:a[part]["end"]] == want
    single = next(r for r in reports if r["article"]["id"] == "T1-a1")
    assert single["text"] == "\u201cOnly the roof caught fire,\u201d owner Ida Venn said."
    data.write_text("# topic T1 mixed\n## P1 x\n@R9 + org | a | | said | that b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="@R9"):
        bench.parse((data,))


def test_bench_clutter_from_polnear_format(tmp_path, monkeypatch):
    """--clutter reads PolNeAR-format gold into report dicts (split contents keep their pieces) and counts
    the clutter a board merged, apart from the bench's own attributions."""
    bench = _bench_module()
    text = 'Ivo Rask said the levy would pass. "We will win," Rask said, "and soon." Nobody asked.'
    def span(part):
        start = text.index(part)
        return {"start": start, "end": start + len(part), "text": part}
    article = {"id": "n1", "text": text, "attributions": [
        {"source": [span("Ivo Rask")], "cue": [span("said")], "content": [span("the levy would pass")]},
        {"source": [span("Rask")], "cue": [span("said,")], "content": [span('"We will win,"'), span('"and soon."')]},
        {"source": [], "cue": [], "content": [span("Nobody asked")]}]}
    (tmp_path / "dev.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    monkeypatch.setattr(bench, "POLNEAR", tmp_path)
    assert bench.clutter("test", 0) == [] and bench.clutter("dev", 5) == []  # dev reads train.jsonl: absent
    [report] = bench.clutter("test", 5)
    first, second = report["attributions"]  # the cueless one is left out
    assert report["article"]["id"] == "clutter:n1"
    assert text[first["content"]["start"]:first["content"]["end"]] == "the levy would pass"
    assert [f["text"] for f in second["content"]["fragments"]] == ['"We will win,"', '"and soon."']
    assert C.content_words(second["content"]) == '"We will win," … "and soon."'
    claims = C.build_claims([report, *DAM_REPORTS], use_embeddings=False)
    grouped, beside = bench.clutter_merges(claims)
    in_two = [e for c in claims if len(c.entries) > 1 for e in c.entries if e.article_id == "clutter:n1"]
    assert grouped == len(in_two) and beside <= grouped


def test_the_proposition_is_a_sentence_of_its_own():
    # Three wordings of one statement: the phrase and the pronoun-led clause lose to the plain sentence,
    # even though they are shorter.
    report = article("p1", "2025-04-08",
                     ("The council", "organization", "said", "the shelling of the Orlen dam wall", None, "say"),
                     ("The governor", "person", "said", "it shelled the Orlen dam wall", None, "say"),
                     ("The police", "organization", "said", "shelling had hit the Orlen dam wall hard", None, "say"))
    [claim] = C.build_claims([report], use_embeddings=False)
    assert claim.proposition == "Shelling had hit the Orlen dam wall hard."


def test_the_proposition_stops_at_a_second_statement():
    report = article("p2", "2025-04-08",
                     ("The mine", "organization", "said", "the tunnel passed an inspection in March and that "
                      "the collapse was caused by the rock", None, "say"))
    [claim] = C.build_claims([report], use_embeddings=False)
    assert claim.proposition == "The tunnel passed an inspection in March."


@pytest.mark.parametrize("answer,lemma,side", [
    (("The army", "organization", "disputed", "that account", None, "dispute"), "dispute", "denies"),
    (("The army", "organization", "said", "that was not true", None, "say"), "say", "denies"),
    (("The army", "organization", "said", "that account was correct", None, "say"), "say", "asserts"),
    (("The army", "organization", "dismissed", "that account as invention", None, "dismiss"), "dismiss", "denies"),
])
def test_an_anaphoric_answer_joins_the_statement_it_answers(answer, lemma, side):
    # "X disputed that account" states nothing alone: it is grouped with what it answers and takes its side.
    report = article("n1", "2025-04-08",
                     ("The governor", "person", "said", "shelling had destroyed the Orlen dam", None, "say"), answer)
    [claim] = C.build_claims([report], use_embeddings=False)
    assert claim.proposition == "Shelling had destroyed the Orlen dam."
    [entry] = [e for e in claim.entries if e.source == "The army"]
    assert entry.stance == side and entry.content == answer[3]
    assert entry.reasons[-1] == "answers \u201cshelling had destroyed the Orlen dam\u201d"


def test_an_answer_to_a_denial_asserts():
    report = article("n2", "2025-04-08",
                     ("The army", "organization", "said", "its guns had not fired on the Orlen dam", None, "say"),
                     ("The governor", "person", "said", "that was false", None, "say"))
    [claim] = C.build_claims([report], use_embeddings=False)
    sides = {e.source: e.stance for e in claim.entries}
    assert sides["The governor"] != sides["The army"]


def test_choosing_a_proposition_leaves_the_shared_pipeline_whole():
    # The web UI analyses an article while it warms the board in another thread: reading the tags
    # of many contents must not switch the shared pipeline's parser off meanwhile.
    import threading

    from claimledger.nlp import load_nlp

    nlp = load_nlp()
    names = list(nlp.pipe_names)
    stop = threading.Event()

    def tag_forever():
        while not stop.is_set():
            C._finite_clauses(["the findings", "Shelling hit the dam"] * 50)

    worker = threading.Thread(target=tag_forever)
    worker.start()
    try:
        seen = {tuple(nlp.pipe_names) for _ in range(2000)}
    finally:
        stop.set()
        worker.join()
    assert seen == {tuple(names)}


def test_a_statement_reported_within_another_is_counted_once_by_the_story_s_own_attribution():
    report = article("w1", "2025-01-01",
                     ("The ministry", "organization", "denied", "troops crossed the Kestrian border", None, "deny"),
                     ("A spokesman", "anonymous", "said", "troops crossed the Kestrian border", None, "say"))
    report["attributions"][1]["within"] = report["attributions"][0]["id"]
    (claim,) = C.build_claims([report], use_embeddings=False)
    assert [e.source for e in claim.denies] == ["The ministry"] and not claim.asserts


def test_a_pronoun_standing_for_an_unnamed_source_counts_as_that_source():
    report = article("p1", "2025-01-01",
                     ("A port official", "person", "said", "the cranes at Varne were shut down", None, "say"),
                     ("He", "person", "said", "the cranes at Varne were shut down on Monday", None, "say"))
    report["attributions"][1]["source"]["same_as"] = report["attributions"][0]["id"]
    (claim,) = C.build_claims([report], use_embeddings=False)
    assert [e.source for e in claim.asserts] == ["A port official", "A port official"]
    assert [e.source_text for e in claim.asserts] == ["A port official", "He"]
