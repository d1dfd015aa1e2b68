"""`claimledger ingest | search | export` for real: CLI runs, real SQLite files, killed processes,
concurrent writers, damaged and read-only databases, a full disk, a wrong PostgreSQL password.

Articles are short and written here; assertions are about what is stored, never about what the
analyzer finds in them (its output is compared with itself, run in-process).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from test_store import db, pg_admin, pg_url  # noqa: F401  the backend fixtures, shared

from claimledger.cli import main
from claimledger.pipeline import ArticleInput, analyze_many
from claimledger.store import Ledger

NAMES = ["Anna Berg", "Tom Reyes", "Mia Chen", "Omar Haddad", "Lena Vogt", "Ravi Patel", "Jo Kim"]
PLACES = ["fair", "market", "rally", "match", "concert"]
FILES = {
    "a.txt": "Mayor Anna Berg said on Tuesday that 40 families had left the valley after the flood.",
    "b.txt": "The water board declined to comment. Engineers said the western pier needs repairs.",
    "c.txt": "\"We will rebuild the bridge,\" the minister told reporters, adding it would cost 3 million euros.",
}


def tiny(i: int) -> str:
    return f"{NAMES[i % 7]} said {i} people came to the {PLACES[i % 5]} on Tuesday."


def write_jsonl(path: Path, numbers: range) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in numbers:
            fh.write(json.dumps({"id": f"m{i}", "text": tiny(i)}) + "\n")
    return path


def cli(*args: str, preexec=None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimledger", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=preexec)


def count(path: Path, sql: str = "SELECT count(*) FROM articles") -> int:
    """Read-only peek at a ledger another process may be writing."""
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:   # not created yet
        return 0


def check_sound(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        dupes = con.execute("SELECT sha256 FROM articles GROUP BY sha256 HAVING count(*) > 1").fetchall()
        assert dupes == []
        # The FTS index holds exactly the rows of its table.
        assert con.execute("INSERT INTO attributions_fts(attributions_fts) VALUES('integrity-check')")
    finally:
        con.close()


def snapshot(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir() if p.is_file()}


def one_error_line(stderr: str, path: object) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"claimledger: {path}: "), lines[0]
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture
def articles_dir(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# The commands, on both backends


def test_ingest_search_export_round_trip(runner, db, articles_dir, nlp):  # noqa: F811
    first = runner.invoke(main, ["ingest", str(articles_dir), "--db", db])
    assert first.exit_code == 1          # the empty file failed, the others are stored
    assert first.stderr.strip() == f"claimledger: {articles_dir / 'empty.txt'}: empty article (no text to analyze)"
    assert "3 stored, 0 re-analyzed, 0 already stored, 1 failed" in first.stdout
    assert "claimledger-test" not in first.stdout        # a PostgreSQL password is never shown

    again = runner.invoke(main, ["ingest", *(str(articles_dir / n) for n in FILES), "--db", db])
    assert again.exit_code == 0, again.output
    assert "0 stored, 0 re-analyzed, 3 already stored, 0 failed" in again.stdout

    # JSONL export re-creates, byte for byte, what `analyze --format jsonl` prints for the same inputs.
    exported = runner.invoke(main, ["export", "--db", db])
    analyzed = runner.invoke(main, ["analyze", *(str(articles_dir / n) for n in FILES), "--format", "jsonl"])
    assert exported.exit_code == 0 and analyzed.exit_code == 0
    assert exported.stdout == analyzed.stdout

    hits = runner.invoke(main, ["search", "pier", "--in", "articles", "--db", db, "--format", "json"])
    assert hits.exit_code == 0, hits.output
    assert [h["snippet"] for h in json.loads(hits.stdout)] == [FILES["b.txt"]]
    table = runner.invoke(main, ["search", "--in", "articles", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert sorted(r["snippet"] for r in rows) == sorted(FILES.values())
    said = runner.invoke(main, ["search", "--db", db, "--format", "json"])
    for hit in json.loads(said.stdout):   # every attribution points back into its article's text
        text = next(t for t in FILES.values() if t[:200] == hit["content_text"] or hit["content_text"] in t)
        assert text[hit["content_start"]:hit["content_end"]] == hit["content_text"]
    text_out = runner.invoke(main, ["search", "valley", "--in", "articles", "--db", db])
    assert text_out.exit_code == 0 and "valley" in text_out.stdout and len(text_out.stdout.splitlines()) == 1
    bad = runner.invoke(main, ["search", "x", "--db", db, "--since", "2025-13-01"])
    assert bad.exit_code == 2


def test_reanalyze_replaces_articles_of_another_analyzer_version(runner, tmp_path, articles_dir, nlp):
    db_path = tmp_path / "ledger.db"
    inputs = [str(articles_dir / n) for n in FILES]
    assert runner.invoke(main, ["ingest", *inputs, "--db", str(db_path)]).exit_code == 0
    before = runner.invoke(main, ["export", "--db", str(db_path)]).stdout
    con = sqlite3.connect(db_path)
    con.execute("UPDATE articles SET analyzer_version = 'claimledger 0.0.1' WHERE report_id = "
                "(SELECT min(report_id) FROM articles)")
    con.commit()
    con.close()
    plain = runner.invoke(main, ["ingest", *inputs, "--db", str(db_path)])
    assert "0 stored, 0 re-analyzed, 3 already stored" in plain.stdout
    redo = runner.invoke(main, ["ingest", *inputs, "--db", str(db_path), "--reanalyze"])
    assert redo.exit_code == 0 and "0 stored, 1 re-analyzed, 2 already stored" in redo.stdout
    redo = runner.invoke(main, ["ingest", *inputs, "--db", str(db_path), "--reanalyze"])
    assert "0 stored, 0 re-analyzed, 3 already stored" in redo.stdout
    after = runner.invoke(main, ["export", "--db", str(db_path)]).stdout
    assert sorted(after.splitlines()) == sorted(before.splitlines())
    assert count(db_path) == 3 and count(db_path, "SELECT count(DISTINCT analyzer_version) FROM articles") == 1


def test_an_id_that_already_names_another_text_is_refused_and_the_stored_one_kept(runner, tmp_path, nlp):
    db_path = tmp_path / "ledger.db"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(json.dumps({"id": "dup", "text": "The minister said wages rose."}) + "\n")
    second.write_text(json.dumps({"id": "dup", "text": "The minister said exports fell."}) + "\n"
                      + json.dumps({"id": "new", "text": "The mayor said the bridge was safe."}) + "\n")
    assert runner.invoke(main, ["ingest", str(first), "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(main, ["ingest", str(second), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"claimledger: {second}:1: id 'dup' already names another text (stored, or "
                                     "earlier in this input); not stored (give this article its own id)")
    assert "1 stored" in result.stdout
    texts = dict(sqlite3.connect(db_path).execute("SELECT report_id, text FROM articles").fetchall())
    assert texts == {"dup": "The minister said wages rose.", "new": "The mayor said the bridge was safe."}
    again = runner.invoke(main, ["ingest", str(first), "--db", str(db_path)])
    assert again.exit_code == 0 and "1 already stored" in again.stdout


def test_export_formats_and_usage_errors(runner, tmp_path, articles_dir, nlp):
    import pyarrow.parquet as pq

    db_path = str(tmp_path / "ledger.db")
    runner.invoke(main, ["ingest", *(str(articles_dir / n) for n in FILES), "--db", db_path])
    quantities = runner.invoke(main, ["export", "--db", db_path, "--format", "csv", "--table", "articles"])
    assert [r["text"] for r in csv.DictReader(io.StringIO(quantities.stdout))] == list(FILES.values())
    one = tmp_path / "attributions.parquet"
    assert runner.invoke(main, ["export", "--db", db_path, "--format", "parquet", "--table", "attributions",
                                "-o", str(one)]).exit_code == 0
    assert pq.read_table(one).num_rows == count(Path(db_path), "SELECT count(*) FROM attributions")
    out = tmp_path / "all"
    assert runner.invoke(main, ["export", "--db", db_path, "--format", "parquet", "-o", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}.parquet" for t in ("articles", "entities", "mentions", "attributions", "no_comments", "quantities",
                                 "dates", "findings"))
    assert pq.read_table(out / "articles.parquet").column("text").to_pylist() == list(FILES.values())
    rows = runner.invoke(main, ["export", "--db", db_path, "--table", "dates"])
    assert all("article_id" in json.loads(line) for line in rows.stdout.splitlines())
    no_target = runner.invoke(main, ["export", "--db", db_path, "--format", "parquet"])
    assert no_target.exit_code == 2 and no_target.stderr.count("\n") == 1
    no_table = runner.invoke(main, ["export", "--db", db_path, "--format", "csv"])
    assert no_table.exit_code == 2 and no_table.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# Bad databases: one line, and the file left exactly as it was


def _garbage_with_header(tmp_path: Path) -> bytes:
    """A real ledger's first page followed by noise: looks like SQLite, is damaged inside."""
    real = tmp_path / "real.db"
    with Ledger.open(str(real), create=True):
        pass
    head = real.read_bytes()[:100]
    return head + bytes((i * 37 + 11) % 256 for i in range(40_000))


@pytest.mark.parametrize("kind", ["text", "binary", "damaged_sqlite", "other_sqlite"])
def test_corrupt_or_foreign_db_is_reported_and_untouched(runner, tmp_path, articles_dir, kind):
    folder = tmp_path / "dbdir"
    folder.mkdir()
    path = folder / "ledger.db"
    if kind == "text":
        path.write_text("id,name\n1,not a database\n", encoding="utf-8")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "damaged_sqlite":
        path.write_bytes(_garbage_with_header(tmp_path))
    else:
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE people (name TEXT)")
        con.commit()
        con.close()
    before = snapshot(folder)
    for args in (["ingest", str(articles_dir / "a.txt")], ["search", "flood"], ["export"]):
        result = runner.invoke(main, [*args, "--db", str(path)])
        assert result.exit_code == 1, (args, result.output)
        line = one_error_line(result.stderr, path)
        assert "untouched" in line or "not a" in line, line
        assert snapshot(folder) == before, f"{args[0]} changed the directory"


def test_search_and_export_never_create_a_database(runner, tmp_path):
    path = tmp_path / "nothing.db"
    for args in (["search", "x"], ["export"]):
        result = runner.invoke(main, [*args, "--db", str(path)])
        assert result.exit_code == 1
        assert "no such database" in one_error_line(result.stderr, path)
    assert list(tmp_path.iterdir()) == []


def _make_read_only(path: Path) -> callable:
    """Read-only for real: chmod for ordinary users; root ignores modes, so the file is made immutable."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        return lambda: (path.parent.chmod(0o755), path.chmod(0o644))
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a file read-only")
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root and this filesystem does not support chattr +i")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_database(runner, tmp_path, articles_dir, nlp):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "ledger.db"
    assert runner.invoke(main, ["ingest", str(articles_dir / "a.txt"), "--db", str(path)]).exit_code == 0
    before = snapshot(folder)
    restore = _make_read_only(path)
    try:
        result = runner.invoke(main, ["ingest", str(articles_dir / "b.txt"), "--db", str(path)])
        assert result.exit_code == 1
        assert "read-only" in one_error_line(result.stderr, path)
        found = runner.invoke(main, ["search", "valley", "--in", "articles", "--db", str(path)])
        assert found.exit_code == 0 and "valley" in found.stdout     # reading still works
    finally:
        restore()
    # The database is as it was (reading a WAL database may add its empty -wal/-shm companions).
    assert snapshot(folder)["ledger.db"] == before["ledger.db"]


def test_disk_full_keeps_every_committed_batch(tmp_path):
    path = tmp_path / "ledger.db"
    Ledger.open(str(path), create=True).close()
    limit = path.stat().st_size + 100_000
    source = write_jsonl(tmp_path / "more.jsonl", range(150))

    def small_disk():
        # Writes past `limit` bytes fail (EFBIG) as on a full disk; the signal would kill instead.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = cli("ingest", str(source), "--db", str(path), "--commit-every", "10", preexec=small_disk)
    assert result.returncode == 1
    line = one_error_line(result.stderr, path)
    assert "disk" in line and "earlier" in line, line
    stored = count(path)
    assert 0 < stored < 150
    check_sound(path)
    # Room again: the same command finishes the job, nothing stored twice.
    assert cli("ingest", str(source), "--db", str(path)).returncode == 0
    assert count(path) == 150
    check_sound(path)


def test_full_tmpfs_disk_keeps_the_ledger_sound(tmp_path):
    """The real thing where the machine allows it: a 512 KB tmpfs that fills up (ENOSPC)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip() or 'not permitted'})")
    try:
        path = disk / "ledger.db"
        source = write_jsonl(tmp_path / "more.jsonl", range(400))
        result = cli("ingest", str(source), "--db", str(path), "--commit-every", "10")
        assert result.returncode == 1
        line = one_error_line(result.stderr, path)
        assert "disk" in line and "earlier" in line, line
        assert 0 < count(path) < 400
        check_sound(path)
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# ---------------------------------------------------------------------------------------------
# Killed and concurrent processes


def test_sigkill_mid_ingest_then_rerun_stores_every_article_once(tmp_path, nlp):
    n = 1000
    source = write_jsonl(tmp_path / "many.jsonl", range(n))
    path = tmp_path / "ledger.db"
    command = [sys.executable, "-m", "claimledger", "ingest", str(source), "--db", str(path),
               "--commit-every", "20"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count(path) < 100:
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "ingest made no progress"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    killed_at = count(path)
    assert 100 <= killed_at < n, "the process was supposed to die half-way"
    check_sound(path)

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{n - killed_at} stored, 0 re-analyzed, {killed_at} already stored" in rerun.stdout
    check_sound(path)
    with Ledger.open(str(path), read_only=True) as ledger:
        stored = {r["article"]["id"]: r for r in ledger.reports()}
    # Whole articles only: each one equals the analyzer's own report for it, none missing a part.
    expected = analyze_many([ArticleInput(text=tiny(i), id=f"m{i}") for i in range(n)], batch_size=64)
    expected_by_id = {r.article.id: r.to_dict() for r in expected}
    assert stored.keys() == expected_by_id.keys()
    assert stored == expected_by_id


def test_two_ingest_processes_share_one_ledger(tmp_path, db):  # noqa: F811
    """Both start on a ledger that does not exist yet, with overlapping inputs and tiny transactions."""
    first = write_jsonl(tmp_path / "first.jsonl", range(150))
    second = write_jsonl(tmp_path / "second.jsonl", range(100, 250))     # 50 articles in both
    procs = [subprocess.Popen([sys.executable, "-m", "claimledger", "ingest", str(src), "--db", db,
                               "--commit-every", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for src in (first, second)]
    outs = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0, err
        assert err == ""
    stored = sum(int(out.split(": ", 1)[1].split(" stored")[0]) for out, _ in outs)
    assert stored == 250           # each text stored by exactly one of the two
    if not db.startswith("postgresql"):
        check_sound(Path(db))
    with Ledger.open(db, read_only=True) as ledger:
        assert ledger.count() == 250
        texts = sorted(r["text"] for r in ledger.reports())
    assert texts == sorted(tiny(i) for i in range(250))


# ---------------------------------------------------------------------------------------------
# PostgreSQL


def test_wrong_postgresql_password_is_one_clear_line(runner, pg_url, articles_dir):  # noqa: F811
    wrong = sa.engine.make_url(pg_url).set(password="not-the-password").render_as_string(hide_password=False)
    for args in (["ingest", str(articles_dir / "a.txt")], ["search", "x"], ["export"]):
        result = runner.invoke(main, [*args, "--db", wrong])
        assert result.exit_code == 1
        line = one_error_line(result.stderr, sa.engine.make_url(wrong).render_as_string(hide_password=True))
        assert "password authentication failed" in line
        assert "not-the-password" not in result.output


def test_search_of_punctuation_alone_is_a_usage_error_and_an_unknown_finding_kind_a_warning(runner, tmp_path):
    path = tmp_path / "ledger.db"
    from claimledger.store import Ledger

    Ledger.open(str(path), create=True).close()
    result = runner.invoke(main, ["search", "--db", str(path), "--", "-"])
    assert result.exit_code == 2 and "no words to search for" in result.stderr
    result = runner.invoke(main, ["search", "--db", str(path), "--finding", "nonsense"])
    assert result.exit_code == 0
    assert result.stderr.strip() == ("claimledger: warning: --finding 'nonsense' is not a kind the analyzer raises "
                                     "(arithmetic, contradiction, conversion_mismatch)")
