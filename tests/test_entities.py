from claimledger.entities import _joins, clean_name, extract


def by_name(doc):
    return {e.name: e for e in extract(doc)}


def test_surname_and_possessive_join_the_full_name(nlp):
    doc = nlp("German Chancellor Olaf Scholz arrived in Paris. Scholz's aides said Scholz was tired.")
    entities = by_name(doc)
    scholz = entities["Olaf Scholz"]
    assert scholz.type == "PERSON"
    assert [m.text for m in scholz.mentions] == ["Olaf Scholz", "Scholz", "Scholz"]
    assert "Scholz" not in entities


def test_titled_name_missed_by_ner_is_a_person(nlp):
    doc = nlp("Interior Minister Ana Ruiz spoke first. Later, Ruiz said the dam was lost.")
    ruiz = by_name(doc)["Ana Ruiz"]
    assert ruiz.type == "PERSON" and len(ruiz.mentions) == 2


def test_offsets_index_the_text(nlp):
    text = "The European Union and the EU's partners met Angela Merkel in Berlin."
    doc = nlp(text)
    for entity in extract(doc):
        for m in entity.mentions:
            assert text[m.start:m.end] == m.text
    assert {m.text for m in by_name(doc)["European Union"].mentions} == {"European Union", "EU"}


def test_ids_follow_first_mention(nlp):
    entities = extract(nlp("Paris welcomed Angela Merkel. Later Merkel left Paris."))
    assert [e.id for e in entities] == [f"e{i}" for i in range(1, len(entities) + 1)]
    assert entities[0].mentions[0].start <= entities[-1].mentions[0].start


def test_name_matching_rules():
    assert _joins("Scholz", "Olaf Scholz")
    assert _joins("EU", "European Union")
    assert not _joins("Post", "Washington Post Company")
    assert not _joins("Olaf", "Olaf Scholz")
    assert not _joins("Harlen", "Harlen Hydro")  # "the Harlen dam" is not the company
    assert clean_name("the Kremlin's") == "Kremlin"


def test_a_name_that_owns_a_ministry_is_a_state_whatever_the_model_says(nlp):
    text = "Valdoria says the dam fell; Ostmark denies any role.\n\nOstmark's defence ministry denied it."
    doc = nlp(text)
    assert by_name(doc)["Ostmark"].type == "GPE"
    # A person's office or aides leave a person a person.
    doc = nlp("German Chancellor Olaf Scholz arrived in Paris. Scholz's office said Scholz was tired.")
    assert by_name(doc)["Olaf Scholz"].type == "PERSON"


def test_a_business_name_the_model_calls_a_person_is_an_organization(nlp):
    text = ("The dam's operator, Harlen Hydro, did not respond to requests for comment. "
            "Brennick Marine, a shipping company, denied the claims. "
            "Officials at Kessel Logistics said the depot was closed. Anna Kessel said she had left.")
    types = {e.name: e.type for e in extract(nlp(text))}
    assert types["Harlen Hydro"] == "ORG"
    assert types["Brennick Marine"] == "ORG"
    assert types["Kessel Logistics"] == "ORG"
    assert types["Anna Kessel"] == "PERSON"


def test_a_public_body_the_model_missed_is_an_organisation_but_a_title_is_not(nlp):
    doc = nlp("MERIDA FALLS, Sept 8 - The Ministry of Health of Casparia said on Friday that cases had fallen.")
    assert by_name(doc)["Ministry of Health of Casparia"].type == "ORG"
    # a title before a name stays a title: "Senate Majority Leader" is no organisation
    names = by_name(nlp("Senate Majority Leader Tom Bell said the vote would be held."))
    assert "Senate Majority Leader" not in names and names["Tom Bell"].type == "PERSON"


def test_a_title_case_headlines_verb_is_not_part_of_the_name(nlp):
    names = by_name(nlp("Millbrook Council Approves Parking Fee Rise Despite Petition\n\n"
                        "The Millbrook Council voted on Monday to raise fees.\n"))
    assert "Millbrook Council" in names and not any("Approves" in n for n in names)
    assert [m.text for m in names["Millbrook Council"].mentions] == ["Millbrook Council"] * 2


def test_role_words_stay_out_of_a_persons_name(nlp):
    doc = nlp("Moderator Janice Tuttle asked the first question. Pollster Ruth Amsel said turnout was high.")
    assert {"Janice Tuttle", "Ruth Amsel"} <= set(by_name(doc))


def test_titles_and_honorifics_stay_out_of_a_persons_name(nlp):
    doc = nlp("Councillor Mira Falk opened the hearing. The Energy Minister, Tove Marklund, spoke next. "
              "Ms Marklund said Ms Falk had been right.")
    names = by_name(doc)
    assert "Mira Falk" in names and "Councillor Mira Falk" not in names
    marklund = names["Tove Marklund"]
    assert [m.text for m in marklund.mentions] == ["Tove Marklund", "Ms Marklund"]


def test_a_business_called_by_its_first_word_is_that_business_unless_a_person_has_the_name(nlp):
    # the model calls the short form a person
    doc = nlp("Kessler Appliances recalled its heaters on Monday. Kessler said no one had been hurt.")
    assert [m.text for m in by_name(doc)["Kessler Appliances"].mentions] == ["Kessler Appliances", "Kessler"]
    doc = nlp("Vance Motors cut its prices. Edith Vance said the cars were cheap. Vance said sales rose.")
    assert [m.text for m in by_name(doc)["Edith Vance"].mentions] == ["Edith Vance", "Vance"]


def test_two_states_ministries_are_two_institutions_and_the_bare_name_is_the_last_named(nlp):
    doc = nlp("Ostrava's Defence Ministry said its troops held the bridge. Velmar's Defence Ministry said the "
              "bridge had fallen. The Defence Ministry later said talks were off.")
    ents = extract(doc)
    names = [e.name for e in ents if "Ministry" in e.name]
    assert names == ["Ostrava's Defence Ministry", "Velmar's Defence Ministry"]
    last = doc.text.rindex("Defence Ministry")
    owner = next(e for e in ents if any(m.start == last for m in e.mentions))
    assert owner.name == "Velmar's Defence Ministry"


def test_a_ministry_named_before_any_state_owns_one_is_no_states(nlp):
    doc = nlp("Velmar units broke the truce near Obrin, the Defence Ministry said. Ostrava's Defence Ministry "
              "denied it.")
    first = next(e for e in extract(doc) if any(m.start == doc.text.index("Defence Ministry") for m in e.mentions))
    assert first.name == "Defence Ministry"
