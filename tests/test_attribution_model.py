"""The learned attribution tagger on small hand-written articles (never eval data)."""

from __future__ import annotations

import pytest

from claimledger import attribution_model as am
from claimledger.nlp import load_nlp

pytestmark = pytest.mark.skipif(not am.is_available(), reason="CRF weights not shipped")


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _texts(doc, frags):
    return [doc.text[s:e] for s, e in frags]


def _find(atts, doc, cue_word):
    for att in atts:
        if any(cue_word in t for t in _texts(doc, att.cue)):
            return att
    raise AssertionError(f"no cue {cue_word!r} in {[_texts(doc, a.cue) for a in atts]}")


def test_direct_quote_with_trailing_cue(nlp):
    doc = nlp('"We will win the vote next week," Maria Lopez said.\n\nThe council meets on Monday.')
    att = _find(am.predict(doc), doc, "said")
    assert _texts(doc, att.source) == ["Maria Lopez"]
    content = " ".join(_texts(doc, att.content))
    assert "We will win the vote next week" in content
    assert "Maria" not in content
    assert 0.6 < att.cue_confidence <= 1.0  # a plain "said" after a quote is a sure cue


def test_indirect_speech_with_that(nlp):
    doc = nlp("The ministry said that the new bridge would open in March, two months late.")
    att = _find(am.predict(doc), doc, "said")
    assert _texts(doc, att.source) == ["The ministry"]
    content = " ".join(_texts(doc, att.content))
    assert "the new bridge would open in March" in content


def test_according_to(nlp):
    doc = nlp("According to the agency, the river rose by two metres overnight.")
    att = _find(am.predict(doc), doc, "According")
    assert any("agency" in t for t in _texts(doc, att.source))
    assert any("river rose" in t for t in _texts(doc, att.content))


def test_quote_split_around_cue_is_one_attribution(nlp):
    doc = nlp('"The plan is dead," the senator told reporters. "Nobody in this building wants it."')
    atts = am.predict(doc)
    att = _find(atts, doc, "told")
    content = " ".join(_texts(doc, att.content))
    assert "The plan is dead" in content
    assert "Nobody in this building wants it" in content
    assert any("senator" in t for t in _texts(doc, att.source))


def test_no_attribution_in_plain_narration(nlp):
    doc = nlp("The bridge opened in 1962. It carries four lanes of traffic across the river.")
    assert am.predict(doc) == []


def test_offsets_are_valid_slices(nlp):
    text = ('Officials in Lisbon said on Thursday that talks would resume. "We are close," one '
            'diplomat said, adding that a deal "could come within days."\n\nShe declined to say more.\n\n'
            '"This never ends')  # unclosed quote at the end must not break anything
    doc = nlp(text)
    atts = am.predict(doc)
    assert atts
    for att in atts:
        assert len(att.cue) == 1
        for s, e in att.source + att.cue + att.content:
            assert 0 <= s < e <= len(text)
            assert text[s:e].strip() == text[s:e]
        assert att.content == sorted(att.content)


def test_empty_and_whitespace_docs(nlp):
    assert am.predict(nlp("")) == []
    assert am.predict(nlp("\n\n  \n")) == []


def test_quote_running_over_paragraphs_stays_with_its_cue(nlp):
    doc = nlp('"The first part of the plan is simple," the mayor said. "We fix the roads before winter.'
              '\n\n"Then we fix the schools, and after that the hospitals."\n\nThe council will vote in May.')
    atts = am.predict(doc)
    att = _find(atts, doc, "said")
    content = " ".join(_texts(doc, att.content))
    assert "We fix the roads" in content
    assert "Then we fix the schools" in content
    assert not any("council" in t for a in atts for t in _texts(doc, a.content))


def test_cue_probability_for_every_token(nlp):
    doc = nlp('"We will win the vote next week," Maria Lopez said.\n\nThe council meets on Monday.')
    tagging = am.tag(doc)
    words = [t for t in doc if not t.is_space]
    assert set(tagging.cue_probability) == {t.i for t in words}
    assert all(0.0 <= p <= 1.0 + 1e-9 for p in tagging.cue_probability.values())
    said = next(t for t in doc if t.text == "said")
    council = next(t for t in doc if t.text == "council")
    assert tagging.cue_probability[said.i] > 0.5 > tagging.cue_probability[council.i]
    maria = next(t for t in doc if t.text == "Maria")
    assert set(tagging.source_probability) == set(tagging.cue_probability)
    assert tagging.source_probability[maria.i] > 0.5 > tagging.source_probability[said.i]
    assert tagging.attributions == am.predict(doc)
