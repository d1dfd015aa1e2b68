"""Stance of an attribution toward a proposition: cue polarity, negation in content, news antonyms."""

import pytest

from claimledger import stance as st

DAM = "Shelling destroyed the dam"


@pytest.mark.parametrize("lemma,cue,content,expected", [
    ("say", "said", "shelling destroyed the dam", st.ASSERTS),
    ("say", "said", "the dam was not hit", st.DENIES),
    ("find", "found", "no evidence that the dam had been struck", st.DENIES),
    ("deny", "denied", "that her forces shelled the dam", st.DENIES),
    (None, "denies", "her forces shelled the dam", st.DENIES),           # no lemma: the cue text decides
    ("say", "said", "the dam remained intact", st.DENIES),                # antonym of "destroyed"
    ("say", "said", "the dam was never damaged", st.DENIES),
    ("deny", "denied", "that the dam was not hit", st.ASSERTS),           # double negation
    ("say", "said", "the claims about the dam were false", st.DENIES),
    ("say", "said", "the dam was destroyed, no doubt about it", st.ASSERTS),  # "no doubt" is not a negation
    ("say", "said", "the governor was lying when he claimed the dam was destroyed", st.DENIES),
    ("question", "questioned", "whether shelling had destroyed the dam", st.DENIES),
    (None, "cast doubt on", "reports that the dam was destroyed", st.DENIES),
    # negated coordinated clauses and list items say no once, not twice
    ("say", "said", "shelling had not hit the dam and would never destroy it", st.DENIES),
    ("say", "said", "reports that shelling destroyed the dam were false and baseless", st.DENIES),
    ("say", "said", "no, the dam was not hit", st.DENIES),
    ("say", "said", "it is not true that the dam was not hit", st.ASSERTS),  # one clause: they cancel
    # a condition or an earlier position reported is no negation of the source's own
    ("say", "said", "shelling destroyed the dam, even if the army does not admit it", st.ASSERTS),
    ("say", "said", "after first saying the dam was not hit, that shelling destroyed the dam", st.ASSERTS),
])
def test_stance_toward_dam(lemma, cue, content, expected):
    assert st.stance_toward(lemma, cue, content, DAM).label == expected


def test_lying_cue_denies():
    assert st.cue_denies(None, "said the minister was lying when") is True
    assert st.cue_denies("say", "said") is False
    assert st.cue_denies("rule", "ruled out") is True


def test_direction_antonyms():
    prop = "Inflation rose in March"
    assert st.stance_toward("say", "said", "prices climbed in March", prop).label == st.ASSERTS
    assert st.stance_toward("say", "said", "inflation fell in March", prop).label == st.DENIES
    assert st.stance_toward("say", "said", "inflation did not fall in March", prop).label == st.ASSERTS


def test_negative_proposition_counts_its_own_negation():
    # Both say the contracts went out without competition; the second denies it.
    prop = "Contracts were awarded without competitive bidding"
    assert st.stance_toward("say", "said", "the deals were handed out with no tender", prop).label == st.ASSERTS
    assert st.stance_toward("say", "said", "every contract went through open bidding", prop).label == st.DENIES


def test_reasons_name_the_signals():
    s = st.stance_toward("deny", "denied", "that the dam was still intact", DAM)
    assert s.polarity == 1  # denied (-1) that it is intact (antonym, -1): asserts destruction
    assert any("cue" in r for r in s.reasons) and any("antonym" in r for r in s.reasons)


def test_text_using_both_sides_takes_none():
    assert "direction" not in st.antonym_classes("prices rose in May and fell in June")
    assert st.antonym_classes("prices fell")["direction"] == -1


def test_core_strips_frames_but_negations_still_count():
    assert st.core("no evidence that the dam had been struck") == "the dam had been struck"
    assert st.core("claims that leaking gas had caused the fire") == "leaking gas had caused the fire"
    assert st.core("\u201cThe shells brought the dam down\u201d") == "The shells brought the dam down"
    assert st.negations("there was no evidence that it was not hit") == ["no", "not"]


def test_attribution_dict_form():
    a = {"cue": {"text": "rejected", "lemma": "reject"},
         "content": {"text": "claims that the dam was destroyed", "start": 0, "end": 10}}
    assert st.attribution_stance(a, DAM).label == st.DENIES
    assert st.attribution_stance({"cue": {"text": "said"}, "content": {"text": "the dam was destroyed"}},
                                 DAM).label == st.ASSERTS


def test_picked_up_is_a_rise():
    prop = "Car sales fell this year"
    assert st.stance_toward("say", "said", "demand for the cars picked up this year", prop).label == st.DENIES
    assert st.stance_toward("say", "said", "sales rebounded in the spring", prop).label == st.DENIES


def test_spreading_against_contained():
    prop = "Firefighters have contained the forest fire"
    assert st.stance_toward("say", "said", "the flames were still spreading north", prop).label == st.DENIES
    assert st.stance_toward("say", "said", "the blaze was under control by noon", prop).label == st.ASSERTS
    assert st.stance_toward("say", "said", "the fire is raging out of control",
                            "The fire is still spreading").label == st.ASSERTS


@pytest.mark.parametrize("lemma,cue,content,expected", [
    # a cue that withholds ("does not mention", "did not confirm") denies; "did not deny" asserts
    ("mention", "does not mention", "any damage from shelling", st.DENIES),
    ("confirm", "did not confirm", "that shelling had destroyed the dam", st.DENIES),
    ("deny", "did not deny", "that her forces shelled the dam", st.ASSERTS),
    # "nothing wrong" says no once
    ("say", "said", "the army had done nothing wrong at the dam", st.DENIES),
])
def test_negated_cues_and_nothing_wrong(lemma, cue, content, expected):
    assert st.stance_toward(lemma, cue, content, DAM).label == expected


def test_an_antonym_about_another_named_thing_does_not_deny():
    prop = "The Orlen dam above Breska was breached on Sunday"
    other = st.stance_toward("insist", "insisted", "the smaller Kessel dam downstream was intact", prop)
    same = st.stance_toward("insist", "insisted", "the Orlen dam was intact", prop)
    assert other.label == st.ASSERTS and not other.reasons
    assert same.label == st.DENIES and same.reasons == ["antonym (damage)"]
    # a name opening one text still counts as shared
    assert st.stance_toward("say", "said", "Okafor remained eligible to run at the Olympics",
                            "Okafor would be barred from the Games").label == st.DENIES


def test_antonyms_about_differently_placed_things_do_not_oppose():
    # "the west block was intact" says nothing against "the east warehouse was destroyed"
    assert st.stance_toward("say", "said", "the west office block was intact",
                            "The east warehouse was destroyed").label == st.ASSERTS
    assert st.stance_toward("say", "said", "the east warehouse was intact",
                            "The east warehouse was destroyed").label == st.DENIES


@pytest.mark.parametrize("content,proposition,polarity", [
    # a second statement's negation says nothing about the first
    ("its forces destroyed a fuel depot in Varsk and that no civilians were harmed",
     "The strike in Varsk destroyed a fuel depot.", 1),
    ("They shelled the clinic in broad daylight. There was never any depot there.",
     "Artillery shelled the clinic.", 1),
    # the statement about the proposition keeps its own negation
    ("the clinic was busy and that no shell had hit the clinic", "A shell hit the clinic.", -1),
    # a comma clause is no second statement: the verdict applies to the claim before it
    ("the claim that the clinic was shelled, which the army repeated, is false", "The clinic was shelled.", -1),
])
def test_only_the_statement_about_the_proposition_decides_the_side(content, proposition, polarity):
    assert st.stance_toward("say", "said", content, proposition).polarity == polarity


@pytest.mark.parametrize("content,polarity", [
    ("the town of Varsk remains under its control", -1),   # a counter-claim, not agreement
    ("our troops still hold the centre of Varsk", -1),
    ("Varsk has not fallen", -1),
    ("its forces had taken full control of Varsk", 1),
    ("talks were held in Varsk on Monday", 1),               # a meeting held is no territory held
])
def test_territory_still_held_answers_a_capture(content, polarity):
    assert st.stance_toward("say", "said", content, "Belmar's forces captured Varsk.").polarity == polarity


def test_a_negation_describing_someone_is_no_denial():
    content = "Governor Ruiz had said teachers who cannot afford rent should take second jobs"
    assert st.stance_toward("say", "told supporters", content, "Teachers should take second jobs.").polarity == 1
