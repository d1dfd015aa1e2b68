import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from claimledger.cli import main

ARTICLE = ('Regional Governor Marta Kowalski said on Monday that the new tram line would open in May.\n\n'
           '"We are ready," Kowalski told reporters.')


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_analyze_text_summary(runner, write, nlp):
    result = runner.invoke(main, ["analyze", str(write("tram.txt", ARTICLE))])
    assert result.exit_code == 0, result.output
    assert "Marta Kowalski" in result.stdout


def test_analyze_json_is_one_report_with_every_schema_field(runner, write, nlp):
    result = runner.invoke(main, ["analyze", str(write("tram.txt", ARTICLE)), "--format", "json",
                                  "--published", "2025-03-20"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["schema"] == "claimledger.report/1"
    assert set(report) >= {"article", "text", "entities", "attributions", "no_comment", "quantities",
                           "dates", "findings"}
    assert report["article"]["published"] == "2025-03-20"
    assert report["text"] == ARTICLE
    for entity in report["entities"]:
        for m in entity["mentions"]:
            assert ARTICLE[m["start"]:m["end"]] == m["text"]


def test_json_with_several_inputs_is_an_array_and_jsonl_streams(runner, write, nlp):
    a, b = write("a.txt", "Alpha said yes."), write("b.txt", "Bravo said no.")
    result = runner.invoke(main, ["analyze", str(a), str(b), "--format", "json"])
    assert [r["text"] for r in json.loads(result.stdout)] == ["Alpha said yes.", "Bravo said no."]
    result = runner.invoke(main, ["analyze", str(a), str(b), "--format", "jsonl"])
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["Alpha said yes.",
                                                                                  "Bravo said no."]


def test_jsonl_input_keeps_ids_and_reports_bad_line(runner, write, nlp):
    path = write("in.jsonl", '{"id": "one", "text": "The council said it would vote."}\n{broken\n'
                             '{"id": "three", "text": "The union said it would strike."}\n')
    result = runner.invoke(main, ["analyze", str(path), "--format", "jsonl"])
    assert result.exit_code == 1
    assert [json.loads(x)["article"]["id"] for x in result.stdout.splitlines()] == ["one", "three"]
    assert result.stderr.strip() == f"claimledger: {path}:2: malformed JSON (Expecting property name enclosed in double quotes at column 2)"


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", "", "empty article"),
    ("spaces.txt", "  \n\n ", "empty article"),
    ("blob.txt", bytes(range(256)) * 4, "binary file"),
    ("nav.html", "<html><body><nav>Home</nav></body></html>", "no article text"),
    ("none.jsonl", "\n\n", "no records"),
])
def test_bad_file_gives_one_line_and_exit_1(runner, write, name, content, message, nlp):
    path = write(name, content)
    result = runner.invoke(main, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0]
    assert "Traceback" not in result.output


def test_missing_path_does_not_stop_good_inputs(runner, write, tmp_path, nlp):
    good = write("good.txt", "The mayor said the bridge would reopen.")
    result = runner.invoke(main, ["analyze", str(tmp_path / "nope.txt"), str(good), "--format", "jsonl"])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "nope.txt: no such file or directory" in result.stderr


def test_bad_published_is_a_usage_error(runner, write):
    result = runner.invoke(main, ["analyze", str(write("a.txt", "Text.")), "--published", "2025-13-45"])
    assert result.exit_code == 2
    assert "bad publication date" in result.stderr and "Traceback" not in result.output


def test_unbalanced_quotes_still_analyzed(runner, write, nlp):
    text = 'The minister said: "We will never accept this.\n\nThe opposition called the plan reckless.'
    result = runner.invoke(main, ["analyze", str(write("q.txt", text)), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["text"] == text


def test_stdin(runner, nlp):
    result = runner.invoke(main, ["analyze", "-", "--format", "json"], input="The mayor said so.")
    assert result.exit_code == 0 and json.loads(result.stdout)["text"] == "The mayor said so."


def test_html_output_is_standalone_and_escaped(runner, write, tmp_path, nlp):
    path = write("x.txt", 'Mayor Ana Ruiz said <script>alert(1)</script> would "never" happen.')
    result = runner.invoke(main, ["analyze", str(path), "--format", "html"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>") and "<script>alert" not in result.stdout
    shown = re.sub(r"</?span[^>]*>", "", result.stdout)  # highlight markup may cut the text anywhere
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    out = tmp_path / "pages"
    result = runner.invoke(main, ["analyze", str(path), str(write("y.txt", "Another text.")), "--format", "html",
                                  "-o", str(out)])
    assert result.exit_code == 0 and len(list(out.glob("*.html"))) == 2


def test_output_file(runner, write, tmp_path, nlp):
    target = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["analyze", str(write("a.txt", "Alpha said yes.")), "--format", "jsonl",
                                  "-o", str(target)])
    assert result.exit_code == 0 and json.loads(target.read_text())["text"] == "Alpha said yes."


def test_json_of_several_inputs_stays_an_array_when_only_one_succeeds(runner, write, nlp):
    good, empty = write("a.txt", "Alpha said yes."), write("empty.txt", "")
    result = runner.invoke(main, ["analyze", str(good), str(empty), "--format", "json"])
    assert result.exit_code == 1
    assert [r["text"] for r in json.loads(result.stdout)] == ["Alpha said yes."]


@pytest.mark.parametrize("fmt,target", [
    ("jsonl", "missing/dir/out.jsonl"),   # a parent that does not exist
    ("json", "."),                        # a directory
    ("html", "taken.txt"),                # pages into a directory that is a file
])
def test_an_unwritable_output_is_one_line_without_traceback(runner, write, tmp_path, nlp, fmt, target):
    a, b = write("a.txt", "Alpha said yes."), write("b.txt", "Bravo said no.")
    (tmp_path / "taken.txt").write_text("keep me")
    result = runner.invoke(main, ["analyze", str(a), str(b), "--format", fmt, "-o", str(tmp_path / target)])
    assert result.exit_code != 0
    assert "cannot write" in result.stderr and "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "taken.txt").read_text() == "keep me"


def test_real_subprocess_on_bundled_example():
    from conftest import EXAMPLES

    proc = subprocess.run([sys.executable, "-m", "claimledger", "analyze", str(EXAMPLES / "reservoir.txt"),
                           "--format", "json", "--published", "2025-03-20"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["article"]["published"] == "2025-03-20"
    assert any(e["name"] == "Ana Ruiz" for e in report["entities"])


def test_real_subprocess_bad_input_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "claimledger", "analyze", str(tmp_path / "absent.txt")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"claimledger: {tmp_path / 'absent.txt'}: no such file or directory"


def test_seventeen_megabyte_text_is_refused_quickly(runner, tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("w") as fh:
        for _ in range(17):
            fh.write("The council said the budget was balanced. " * 24_000)
    result = runner.invoke(main, ["analyze", str(big), "--format", "json"])
    assert result.exit_code == 1
    assert "over the 5.0 MB limit" in result.stderr and str(big) in result.stderr


def test_non_utf8_input_is_decoded_with_a_warning(runner, write, nlp):
    path = write("legacy.txt", "“We will rebuild the café,” the mayor said.".encode("cp1252"))
    result = runner.invoke(main, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["text"] == "“We will rebuild the café,” the mayor said."
    assert "not UTF-8; decoded as cp1252" in result.stderr


def test_a_directory_s_other_files_are_named_as_skipped_without_failing_the_run(runner, write, nlp):
    article = write("corpus/a.txt", "The mayor said the bridge would reopen.")
    (article.parent / "photo.bin").write_bytes(bytes(range(256)))
    result = runner.invoke(main, ["analyze", str(article.parent), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.strip() == (f"claimledger: warning: {article.parent / 'photo.bin'}: skipped: not an article "
                                     "file (.htm, .html, .jsonl, .md, .ndjson, .text, .txt, .xhtml); name it to read "
                                     "it as text")


def test_an_empty_db_path_is_a_usage_error(runner):
    result = runner.invoke(main, ["claims", "--db", ""])
    assert result.exit_code == 2 and "empty path" in result.stderr
