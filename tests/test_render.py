from rich.console import Console

from claimledger.pipeline import analyze
from claimledger.render import print_text, to_html
from claimledger.report import Attribution, Cue, Source, Span


def test_html_highlights_nested_spans_and_escapes(nlp):
    text = 'Mayor Ana Ruiz said the <b>bridge</b> & "tunnel" would reopen.'
    report = analyze(text, title="A <title>")
    report.attributions.append(Attribution(
        id="a1", source=Source("Mayor Ana Ruiz", 0, 14, name="Ana Ruiz", kind="person"),
        cue=Cue("said", 15, 19, lemma="say"), content=Span.of(text, 20, len(text) - 1)))
    page = to_html(report)
    assert "<b>bridge</b>" not in page and "&lt;b&gt;bridge&lt;/b&gt;" in page
    assert "A &lt;title&gt;" in page
    assert 'class="l-cue"' in page and "l-content" in page and "l-source" in page
    assert "legend" in page


def test_text_summary_lists_what_was_found(nlp):
    report = analyze("Mayor Ana Ruiz visited Lisbon.", id="art-9")
    console = Console(record=True, width=120)
    print_text(report, console)
    out = console.export_text()
    assert "art-9" in out and "Ana Ruiz" in out and "PERSON" in out


def test_numbers_are_written_out_for_readers():
    from claimledger.render import _number

    assert _number(3_000_000_000.0) == "3,000,000,000"
    assert _number(0.125) == "0.125"
    assert _number(None) == "—"


SPLIT_QUOTE = ('"The dam held for an hour," the engineer Lina Moss said on Friday. '
               '"Then the water came over the top."\n')


def test_a_split_quote_shows_its_pieces_not_the_cue_between_them(nlp):
    report = analyze(SPLIT_QUOTE)
    [att] = [a for a in report.attributions if a.content_parts]
    assert att.words == '"The dam held for an hour," \u2026 "Then the water came over the top."'
    console = Console(record=True, width=200)
    print_text(report, console)
    out = console.export_text()
    assert "\u2026" in out and "Moss said on Friday. \"Then" not in out
    assert "hour,&quot; \u2026 &quot;Then" in to_html(report)


def test_a_relayed_quote_names_both_the_outlet_and_the_speaker(nlp):
    report = analyze('"The bridge is <safe>," the inspector Ana Ruiz said, according to the Gazette.\n')
    [att] = [a for a in report.attributions if a.original_source]
    console = Console(record=True, width=200)
    print_text(report, console)
    assert "(quoting Ana Ruiz)" in console.export_text()
    page = to_html(report)
    assert "(quoting Ana Ruiz)" in page and "original source" in page
    assert "<safe>" not in page
