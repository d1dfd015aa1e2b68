"""Quotation spans and the predicates the attribution rules use to link quotations to cues."""

from claimledger.quotations import (QuoteIndex, closes_clause, ends_sentence, find_quotes, gap_ok,
                                    quote_paragraph_follows)


def test_multi_paragraph_quote():
    text = ('He said: "First paragraph of the quote.\n\n'
            '"Second paragraph of the quote.\n\n'
            '"Third and last paragraph."\n\nUnquoted text.')
    quotes = find_quotes(text)
    assert len(quotes) == 1
    s, e, closed = quotes[0]
    assert closed and text[s:e].endswith('last paragraph."')
    assert "Unquoted" not in text[s:e]


def test_an_unclosed_quote_ends_with_its_paragraph():
    text = '"We are not leaving, said the union leader.\n\nThe company said it would respond.'
    [(s, e, closed)] = find_quotes(text)
    assert not closed and text[s:e] == '"We are not leaving, said the union leader.'


def test_curly_and_doubled_marks():
    text = "\u201cThe dam held,\u201d she said. ''It will hold again,'' he said."
    spans = [text[s:e] for s, e, _ in find_quotes(text)]
    assert spans == ["\u201cThe dam held,\u201d", "''It will hold again,''"]


def test_quote_index_finds_the_quotation_holding_a_character():
    text = 'A "one" and "two" end'
    index = QuoteIndex(find_quotes(text))
    assert index.at(text.index("one")) == 0 and index.at(text.index("two")) == 1
    assert index.at(text.index("and")) == -1 and index.at(text.index("end")) == -1


def test_sentence_and_clause_edges():
    ended = 'She said "we won". Then she left.'
    mixed = 'She said "we won" in May.'
    assert closes_clause(ended, ended.index('".') + 1)
    assert not closes_clause(mixed, mixed.index('" in') + 1)  # 'said "A" in B' is one clause
    assert ends_sentence(ended, ended.index('".') + 1) and not ends_sentence(mixed, mixed.index('" in') + 1)
    assert gap_ok(ended, 8, 9, " ,") and not gap_ok(ended, 3, 9, " ,")


def test_a_quote_paragraph_follows_only_the_rest_of_the_cue_sentence():
    text = '"A," she said to cheers.\n\n"B."\n'
    cursor = text.index("said") + 4
    quote = (text.index('"B'), text.index('."') + 2)
    assert quote_paragraph_follows(text, cursor, quote)
    other = '"A," she said. Then he asked.\n\n"B."\n'
    assert not quote_paragraph_follows(other, other.index("said") + 4,
                                       (other.index('"B'), other.index('."') + 2))


def test_a_closing_mark_typed_as_an_opener_opens():
    # Some layouts set a quotation that starts mid-sentence with a closing mark before its ellipsis.
    text = ("\u201d \u2026 the harbour was never safe,\u201d she said. \u201cWe told them twice.\u201d\n\n"
            "A stray closer after a word\u201d is ignored.")
    spans = [text[s:e] for s, e, _ in find_quotes(text)]
    assert spans == ["\u201d \u2026 the harbour was never safe,\u201d", "\u201cWe told them twice.\u201d"]


def test_continental_quotes_and_inch_marks():
    # „...“ opens low and closes with the English opener
    assert find_quotes('„Wir bleiben dabei“, Albrecht said.') == [(0, 19, True)]
    # a straight mark after a digit is inches, not a quotation
    assert find_quotes('Crews laid a 6" pipe, the council said "late on Friday".') == [(39, 55, True)]
    # a stray closer after a sentence opens nothing
    assert find_quotes('The water rose 14" within an hour." The city was slow, she said.') == []
