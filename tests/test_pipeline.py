import pytest

import claimledger
from claimledger.pipeline import CHUNK_CHARS, STAGES, InputError, _chunks, analyze, analyze_many


def test_analyze_returns_a_full_report(nlp):
    report = analyze("The mayor said the bridge would reopen.", published="2025-03-20", title="Bridge",
                     url="https://example.org/a", id="art-1")
    data = report.to_dict()
    assert data["schema"] == claimledger.SCHEMA
    assert data["article"] == {"id": "art-1", "title": "Bridge", "url": "https://example.org/a", "outlet": None,
                               "published": "2025-03-20", "language": "en", "sha256": report.article.sha256}
    assert list(STAGES) == ["entities", "attributions", "quantities", "dates", "findings"]


def test_same_text_same_id(nlp):
    a = analyze("Same words, same id.")
    b = analyze("Same words, same id.")
    assert a.article.id == b.article.id and a.article.id.startswith("sha-")


def test_analyze_many_streams_in_order_and_accepts_dicts(nlp):
    records = ["First text.", {"id": "two", "text": "Second text."}, "Third text."]
    reports = list(analyze_many(records, batch_size=2))
    assert [r.text for r in reports] == ["First text.", "Second text.", "Third text."]
    assert reports[1].article.id == "two"


def test_bad_article_raises_or_goes_to_handler(nlp):
    with pytest.raises(InputError):
        list(analyze_many(["Fine.", ""]))
    failed = []
    reports = list(analyze_many(["Fine.", "  ", "Also fine."], on_error=lambda a, e: failed.append(e)))
    assert [r.text for r in reports] == ["Fine.", "Also fine."] and len(failed) == 1
    with pytest.raises(InputError, match="bad publication date"):
        analyze("Text.", published="yesterday-ish")


def test_long_text_is_chunked_but_offsets_stay_exact(nlp):
    paragraph = "Mayor Lena Ortiz said the harbour would reopen in spring. " * 40 + "\n\n"
    text = paragraph * (CHUNK_CHARS // len(paragraph) + 3)
    pieces = _chunks(text)
    assert len(pieces) > 1 and "".join(pieces) == text
    report = analyze(text)
    assert report.text == text
    ortiz = next(e for e in report.entities if e.name == "Lena Ortiz")
    last = ortiz.mentions[-1]
    assert last.start > CHUNK_CHARS and text[last.start:last.end] == "Lena Ortiz"


def test_stages_can_be_limited_by_name(nlp):
    text = 'Mayor Ana Ruiz said the repairs would cost 3 million euros on Tuesday.'
    report = next(analyze_many([text], stages=["entities"]))
    assert report.entities and report.quantities == [] and report.attributions == []
    with pytest.raises(ValueError, match="unknown stage"):
        list(analyze_many([text], stages=["sentiment"]))


def test_a_blank_line_ends_a_sentence_so_the_lead_keeps_its_speaker(nlp):
    text = ("Minister denies cover-up over hospital fire\n\nBy Lena Ortiz\n\n"
            "Health Minister Karl Dune on Tuesday denied that his ministry had hidden the reports.\n")
    doc = nlp(text)
    starts = {t.text for t in doc if t.is_sent_start}
    assert {"Minister", "By", "Health"} <= starts
    report = analyze(text)
    lead = next(a for a in report.attributions if a.cue.text == "denied")
    assert lead.source is not None and lead.source.name == "Karl Dune"
