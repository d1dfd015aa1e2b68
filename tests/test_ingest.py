import io
import json

from claimledger.ingest import InputProblem, read_inputs
from claimledger.pipeline import ArticleInput


def collect(paths, **kw):
    items = list(read_inputs([str(p) for p in paths], **kw))
    return ([i for i in items if isinstance(i, ArticleInput)], [i for i in items if isinstance(i, InputProblem)])


def test_utf8_text_is_read_exactly(write):
    text = "Café owners said “no” on Monday.\r\nSecond line."
    articles, problems = collect([write("a.txt", text)])
    assert problems == [] and articles[0].text == text and articles[0].warnings == []


def test_other_encoding_is_detected_and_warned(write):
    text = "Les propriétaires du café ont déclaré que la forêt était protégée et que l'été serait sec."
    articles, problems = collect([write("latin.txt", text.encode("cp1252"))])
    assert problems == []
    assert articles[0].text == text
    assert "not UTF-8" in articles[0].warnings[0]


def test_bad_inputs_each_get_one_problem_and_good_ones_survive(write, tmp_path):
    good = write("good.txt", "The mayor said the bridge would reopen.")
    empty = write("empty.txt", "")
    blank = write("blank.txt", "   \n\t\n")
    binary = write("image.txt", bytes(range(256)) * 10)
    missing = tmp_path / "missing.txt"
    articles, problems = collect([empty, good, blank, binary, missing])
    assert [a.text for a in articles] == ["The mayor said the bridge would reopen."]
    messages = {p.origin: p.message for p in problems}
    assert "empty" in messages[str(empty)]
    assert "empty" in messages[str(blank)]
    assert "binary" in messages[str(binary)]
    assert "no such file" in messages[str(missing)]


def test_jsonl_keeps_ids_and_names_bad_lines(write):
    lines = [
        json.dumps({"id": "art-1", "text": "One.", "title": "T", "published": "2025-03-20"}),
        "{not json",
        json.dumps({"id": "art-3"}),
        "",
        json.dumps({"id": "art-5", "text": "Five.", "published": "20 March"}),
        json.dumps({"id": "art-6", "text": "Six."}),
    ]
    path = write("batch.jsonl", "\n".join(lines) + "\n")
    articles, problems = collect([path])
    assert [(a.id, a.title, a.published) for a in articles] == [("art-1", "T", "2025-03-20"), ("art-6", None, None)]
    by_origin = {p.origin: p.message for p in problems}
    assert "malformed JSON" in by_origin[f"{path}:2"]
    assert "no 'text'" in by_origin[f"{path}:3"]
    assert "bad publication date" in by_origin[f"{path}:5"]


def test_published_override_applies_to_every_article(write):
    path = write("b.jsonl", json.dumps({"text": "A.", "published": "2020-01-01"}) + "\n")
    articles, _ = collect([path], published="2025-03-20")
    assert articles[0].published == "2025-03-20"


def test_directory_is_walked_recursively_in_order(write, tmp_path):
    write("d/b.txt", "Bravo said so.")
    write("d/sub/a.txt", "Alpha said so.")
    write("d/notes.pdf", b"%PDF-1.4")
    write("d/.hidden.txt", "Hidden said so.")
    articles, problems = collect([tmp_path / "d"])
    assert [a.text for a in articles] == ["Bravo said so.", "Alpha said so."]
    # the PDF is named as left out (a notice, not a failure); the hidden file is not
    assert [(p.origin, p.notice) for p in problems] == [(str(tmp_path / "d" / "notes.pdf"), True)]


def test_html_article_is_extracted_with_metadata(write):
    body = " ".join(["The harbour authority said on Monday that the new pier would open next spring."] * 6)
    page = f"""<html><head><title>Pier to open | Coast Herald</title>
    <meta property="og:title" content="Pier to open next spring">
    <meta property="article:published_time" content="2025-03-20T08:00:00Z"></head>
    <body><nav>Home | News</nav><article><h1>Pier to open next spring</h1><p>{body}</p>
    <p>Work began last year, officials said.</p></article><footer>Contact</footer></body></html>"""
    articles, problems = collect([write("pier.html", page)])
    assert problems == []
    assert "harbour authority" in articles[0].text and "Home | News" not in articles[0].text
    assert articles[0].title.startswith("Pier to open")
    assert articles[0].published == "2025-03-20"


def test_html_without_article(write):
    _, problems = collect([write("empty.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")])
    assert "no article text" in problems[0].message


def test_oversized_file_is_refused_without_reading_it(write):
    path = write("big.txt", "word " * 300_000)
    _, problems = collect([path], max_bytes=1_000_000)
    assert "over the 1.0 MB limit" in problems[0].message


def test_stdin_in_each_kind():
    articles, _ = collect(["-"], stdin=io.BytesIO(b"From stdin, he said."))
    assert articles[0].text == "From stdin, he said." and articles[0].origin == "<stdin>"
    lines = io.BytesIO(b'{"id": "x", "text": "From a pipe."}\n')
    articles, _ = collect(["-"], stdin=lines, stdin_kind="jsonl")
    assert articles[0].id == "x"


def test_jsonl_metadata_that_is_not_text_is_left_out_with_a_warning(write):
    rows = [{"id": 7, "text": "Ana said yes.", "title": 5},
            {"id": {"a": 1}, "text": "Ben said no.", "outlet": ["x"], "url": True}]
    path = write("meta.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    first, second = list(read_inputs([str(path)]))
    assert (first.id, first.title) == ("7", "5") and not first.warnings
    assert (second.id, second.outlet, second.url) == (None, None, None)
    assert [w.split(": ", 1)[1] for w in second.warnings] == [
        "'id' is dict, not text; left out", "'url' is bool, not text; left out", "'outlet' is list, not text; left out"]


def test_utf16_with_a_byte_order_mark_is_text_not_binary(write):
    path = write("unicode.txt", "\ufeffThe minister said wages rose.".encode("utf-16-le"))
    (article,) = list(read_inputs([str(path)]))
    assert article.text == "The minister said wages rose."
    assert article.warnings == [f"{path}: not UTF-8; decoded as UTF-16"]


def test_a_plain_text_headline_becomes_the_title_and_the_text_is_kept_whole(write):
    text = "Valdoria says shelling destroyed the dam\n\nThe government said on Tuesday that the dam had gone."
    (article,) = list(read_inputs([str(write("dam.txt", text))]))
    assert article.title == "Valdoria says shelling destroyed the dam" and article.text == text
    (article,) = list(read_inputs([str(write("plain.txt", "The mayor said yes.\n\nShe left."))]))
    assert article.title is None  # a first sentence is not a headline


def test_a_dateline_with_a_full_date_gives_the_publication_date_unless_one_is_given(write):
    text = "Dam holds\n\nPORT ELLERY, March 18, 2025 (Wire) - The mayor said on Monday the dam was safe."
    path = write("dateline.txt", text)
    (article,) = list(read_inputs([str(path)]))
    assert article.published == "2025-03-18"
    (article,) = list(read_inputs([str(path)], published="2025-03-20"))
    assert article.published == "2025-03-20"
    (article,) = list(read_inputs([str(write("short.txt", "KESTRA, March 10 (Wire) - The mayor said so."))]))
    assert article.published is None  # no year: nothing to go on


def test_a_published_header_line_gives_the_date_and_keeps_the_headline(write):
    text = "Council backs new tram line\nPublished: 2025-11-04\n\nThe council voted on Monday to build the line."
    (article,) = list(read_inputs([str(write("tram.txt", text))]))
    assert (article.title, article.published) == ("Council backs new tram line", "2025-11-04")
    assert article.text == text
    # written dates count too, and the date given on the command line still wins
    text = "Tram line approved\nDate: 4 November 2025\n\nThe council voted."
    (article,) = list(read_inputs([str(write("tram2.txt", text))], published="2025-11-06"))
    assert (article.title, article.published) == ("Tram line approved", "2025-11-06")


def test_an_updated_line_is_used_only_without_a_published_one(write):
    text = "Tram line approved\nUpdated: 2025-11-05\nPosted: November 4, 2025\n\nThe council voted."
    (article,) = list(read_inputs([str(write("tram3.txt", text))]))
    assert article.published == "2025-11-04"


def test_a_headline_directly_above_a_dateline_is_the_title(write):
    text = "Tram line approved\nLINDHAVEN, Nov. 4, 2025 (Wire) - The council voted on Monday."
    (article,) = list(read_inputs([str(write("tram4.txt", text))]))
    assert (article.title, article.published) == ("Tram line approved", "2025-11-04")
    # a sentence wrapped onto a second line is no headline
    (article,) = list(read_inputs([str(write("wrap.txt", "The council voted on Monday to build\nthe tram line."))]))
    assert article.title is None


def test_a_header_date_that_cannot_be_read_is_a_warning_not_silence(write):
    for n, line in enumerate(["Published: 2026-13-45", "Date: sometime last spring"]):
        path = write(f"bridge{n}.txt", f"Bridge closes\n{line}\n\nThe bridge closed on Sunday, engineers said.")
        (article,) = list(read_inputs([str(path)]))
        assert article.published is None
        assert any(str(path) in w and line in w for w in article.warnings)
    (article,) = list(read_inputs([str(write("ok.txt", "Bridge closes\nPublished: 2026-06-08\n\nText here."))]))
    assert article.warnings == []
