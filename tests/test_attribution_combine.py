"""Rules and the trained tagger combined: each test fixes what the tagger says (a stand-in
`attribution_model.tag`) and checks what the rules' attributions become."""

from __future__ import annotations

import pytest

from claimledger import attribution, entities
from claimledger import attribution_combine as combine
from claimledger.nlp import load_nlp
from claimledger.quotations import QuoteIndex, find_quotes
from claimledger.sources import Resolver


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def by_said(attrs):
    return next(a for a in attrs if a.cue.text == "said")


def test_tagged_attribution_is_added_only_where_rules_found_nothing(nlp):
    from claimledger.attribution_model import TaggedAttribution

    text = 'The mayor said the bridge would reopen. Residents figure the ferry stays in service.'
    doc = nlp(text)
    ents = entities.extract(doc)
    rules, _ = attribution.extract(doc, ents, use_model=False)
    assert [a.cue.text for a in rules] == ["said"]

    def frag(phrase):
        start = text.index(phrase)
        return [(start, start + len(phrase))]

    tagged = [
        # overlaps the rules' cue: dropped
        TaggedAttribution(source=frag("The mayor"), cue=frag("said"), content=frag("the bridge would reopen")),
        # a cue the rules do not know: added, with its source resolved like any other
        TaggedAttribution(source=frag("Residents"), cue=frag("figure"), content=frag("the ferry stays in service")),
        # no content: not an attribution
        TaggedAttribution(source=frag("Residents"), cue=frag("stays"), content=[]),
    ]
    quotes = QuoteIndex(find_quotes(text))
    merged = combine.merge_model(doc, rules, tagged, Resolver(doc, ents), quotes, [])
    assert [(a.id, a.cue.text) for a in merged] == [("a1", "said"), ("a2", "figure")]
    added = merged[1]
    assert added.source.text == "Residents" and added.source.kind == "group"
    assert added.content.text == "the ferry stays in service" and added.form == "indirect"
    assert added.cue.lemma == "figure"


@pytest.mark.parametrize("text,tagged_content,content", [
    # one unquoted run cut short: the parse says where the reported clause ends
    ("The mayor said the bridge would reopen. Residents figure the ferry stays in service.",
     "the ferry stays", "the ferry stays in service"),
    # a quoted content stays the tagger's (the quotation code never saw this cue)
    ('The mayor said the bridge would reopen. Residents figure "the ferry stays in service."',
     '"the ferry stays in service."', '"the ferry stays in service."'),
])
def test_a_tagged_cue_takes_its_content_from_the_parse_where_the_tagger_ran_short(nlp, text, tagged_content,
                                                                                    content):
    from claimledger.attribution_model import TaggedAttribution

    doc = nlp(text)
    ents = entities.extract(doc)
    rules, _ = attribution.extract(doc, ents, use_model=False)

    def frag(phrase):
        start = text.index(phrase)
        return [(start, start + len(phrase))]

    tagged = [TaggedAttribution(source=frag("Residents"), cue=frag("figure"), content=frag(tagged_content))]
    merged = combine.merge_model(doc, rules, tagged, Resolver(doc, ents), QuoteIndex(find_quotes(text)), [])
    assert [a.content.text for a in merged if a.cue.text == "figure"] == [content]


def test_a_tagged_source_that_names_nobody_gives_way_to_the_parse(nlp):
    from claimledger.attribution_model import TaggedAttribution

    text = "The road plan was seen by some as a defeat for the mayor."
    doc = nlp(text)
    ents = entities.extract(doc)

    def frag(phrase):
        start = text.index(phrase)
        return [(start, start + len(phrase))]

    tagged = [TaggedAttribution(source=frag("by"), cue=frag("was seen"), content=frag("as a defeat for the mayor"))]
    merged = combine.merge_model(doc, [], tagged, Resolver(doc, ents), QuoteIndex(find_quotes(text)), [])
    assert [a.source.text for a in merged] == ["some"]


def test_rule_cue_the_tagger_rejects_is_dropped_but_structural_cues_stay(nlp, monkeypatch):
    from claimledger import attribution_model
    from claimledger.attribution_model import Tagging

    text = 'Merkel: Europe must defend itself.\n\nThe chancellor said the bridge would reopen.'
    doc = nlp(text)
    ents = entities.extract(doc)
    rules, _ = attribution.extract(doc, ents, use_model=False)
    assert sorted(a.cue.text for a in rules) == [":", "said"]
    said = next(t.i for t in doc if t.text == "said")

    def tagger_view(probability_of_said):
        def fake_tag(d):
            return Tagging([], {t.i: (probability_of_said if t.i == said else 0.0) for t in d},
                           {t.i: 0.9 for t in d})
        return fake_tag

    monkeypatch.setattr(attribution_model, "tag", tagger_view(0.01))
    kept, _ = attribution.extract(doc, ents)
    assert [a.cue.text for a in kept] == [":"]            # the colon is found by structure: kept
    assert [a.id for a in kept] == ["a1"]
    monkeypatch.setattr(attribution_model, "tag", tagger_view(0.5))
    kept, _ = attribution.extract(doc, ents)
    assert sorted(a.cue.text for a in kept) == [":", "said"]


def test_rule_source_the_tagger_rejects_is_removed(nlp, monkeypatch):
    from claimledger import attribution_model
    from claimledger.attribution_model import Tagging

    doc = nlp("The chancellor said the bridge would reopen.")
    ents = entities.extract(doc)

    def fake_tag(source_probability):
        return lambda d: Tagging([], {t.i: 0.9 if t.text == "said" else 0.0 for t in d},
                                 {t.i: source_probability for t in d})

    monkeypatch.setattr(attribution_model, "tag", fake_tag(0.5))
    a = by_said(attribution.extract(doc, ents)[0])
    assert a.source.text == "The chancellor"
    monkeypatch.setattr(attribution_model, "tag", fake_tag(0.001))
    a = by_said(attribution.extract(doc, ents)[0])
    assert a.source is None and a.content.text == "the bridge would reopen"


def test_rule_attribution_without_source_takes_the_taggers(nlp, monkeypatch):
    from claimledger import attribution_model
    from claimledger.attribution_model import TaggedAttribution, Tagging

    text = "It appears, the mayor said, that the bridge would reopen."
    doc = nlp(text)
    ents = entities.extract(doc)
    said = (text.index("said"), text.index("said") + 4)
    mayor = (text.index("the mayor"), text.index("the mayor") + len("the mayor"))
    bridge = (text.index("the bridge"), text.index("the bridge") + len("the bridge"))

    def fake_tag(source_span):
        tagged = TaggedAttribution(source=[source_span], cue=[said], content=[], cue_confidence=0.1)
        # Every rule source is rejected (probability 0), every cue accepted.
        return lambda d: Tagging([tagged], {t.i: 0.9 if t.text == "said" else 0.0 for t in d},
                                 {t.i: 0.0 for t in d})

    monkeypatch.setattr(attribution_model, "tag", fake_tag(mayor))
    a = by_said(attribution.extract(doc, ents)[0])
    assert a.source is not None and a.source.text == "the mayor"
    monkeypatch.setattr(attribution_model, "tag", fake_tag(bridge))   # inside the content: not a source
    a = by_said(attribution.extract(doc, ents)[0])
    assert a.source is None


def test_rule_cue_grows_over_words_the_tagger_counts_as_cue(nlp, monkeypatch):
    from claimledger import attribution_model
    from claimledger.attribution_model import Tagging

    doc = nlp("The chancellor said Sunday that the bridge would reopen.")
    ents = entities.extract(doc)
    cue_words = {"said": 0.95, "Sunday": 0.6, "bridge": 0.9}   # "bridge" is content: never taken in
    monkeypatch.setattr(attribution_model, "tag", lambda d: Tagging(
        [], {t.i: cue_words.get(t.text, 0.0) for t in d}, {t.i: 0.9 for t in d}))
    a = attribution.extract(doc, ents)[0][0]
    assert a.cue.text == "said Sunday" and a.cue.lemma == "say"
    assert a.source.text == "The chancellor" and a.content.text == "that the bridge would reopen"


@pytest.mark.parametrize("text,cue", [
    ("The chancellor said at a rally that the bridge would reopen.", "said at a rally"),
    ("The chancellor said at one point that the bridge would reopen.", "said"),  # growth stopping mid-phrase
    ("The chancellor said at Brandt that the bridge would reopen.", "said"),       # a preposition setting the scene
    ("The chancellor relented and said that the bridge would reopen.", "said"),   # another verb, across "and"
    ("The chancellor was asking about the bridge.", "was asking about"),         # its object is the content
    # a prepositional phrase grown only in part ("on Radio Norda's | morning show") is none of the cue's
    ("The chancellor said on Radio Norda's morning show that the bridge would reopen.", "said"),
    ("The chancellor said in an interview with Radio Norda that the bridge would reopen.", "said"),
    # a number that ends its phrase is the phrase's own ("with Channel | 5" is whole)
    ("The chancellor said on Channel 5 that the bridge would reopen.", "said on Channel 5"),
])
def test_a_grown_cue_does_not_stop_inside_a_phrase(nlp, monkeypatch, text, cue):
    from claimledger import attribution_model
    from claimledger.attribution_model import Tagging

    doc = nlp(text)
    cue_words = {"said": 0.95, "at": 0.6, "a": 0.6, "rally": 0.6, "one": 0.6, "relented": 0.6, "and": 0.6,
                 "asking": 0.95, "about": 0.6, "on": 0.6, "Radio": 0.6, "Norda": 0.6, "'s": 0.6, "in": 0.6,
                 "an": 0.6, "interview": 0.6, "Channel": 0.6, "5": 0.6}
    monkeypatch.setattr(attribution_model, "tag", lambda d: Tagging(
        [], {t.i: cue_words.get(t.text, 0.0) for t in d}, {t.i: 0.9 for t in d}))
    assert attribution.extract(doc, entities.extract(doc))[0][0].cue.text == cue


def test_rule_content_grows_over_words_the_tagger_counts_as_content(nlp):
    from claimledger.report import Attribution, Cue, Source, Span

    text = "The chancellor said the bridge would reopen, probably in May.\n\nTraffic resumed."
    doc = nlp(text)

    def span(words):
        return Span.of(text, text.index(words), text.index(words) + len(words))

    att = Attribution(id="a1", source=Source("The chancellor", 0, 14), cue=Cue("said", 15, 19, "say"),
                      content=span("the bridge would reopen"))
    sure = {t.i for t in doc if t.idx < text.index("\n")} | {t.i for t in doc if t.text == "Traffic"}
    combine.grow_content(doc, text, att, {i: 0.95 for i in sure})
    # Up to the paragraph end, never into the cue, the source or the next paragraph.
    assert att.content.text == "the bridge would reopen, probably in May"
    assert att.source.text == "The chancellor" and att.cue.text == "said"


def test_a_content_never_stops_on_a_preposition_before_its_object(nlp):
    doc = nlp("Local officials put the number of dead at 14.\n")
    start = doc.text.index("the number")
    ranges = combine._close_dangling(doc, [(start, doc.text.index(" 14"))])
    assert doc.text[ranges[0][0]:ranges[0][1]] == "the number of dead at 14"
    # A content already whole is left alone.
    assert combine._close_dangling(doc, [(start, start + 10)]) == [(start, start + 10)]


def test_a_quotation_the_rules_gave_to_a_colon_is_not_reported_again_by_the_tagger(nlp):
    text = ('Ana Ruiz laid out her plan:\n\n"We will cut the subsidy by a third next year. The rest will go the '
            'year after.\n\n"Nobody who earns less than the average wage will pay more for fuel."\n')
    doc = nlp(text)
    attrs, _ = attribution.extract(doc, entities.extract(doc))
    holding = [a for a in attrs for p in (a.content_parts or [a.content]) if "cut the subsidy" in p.text]
    assert len(holding) == 1 and holding[0].form == "direct" and holding[0].source.text == "Ana Ruiz"
