"""Batch analysis: the engine-neutral batch function, the local process pool and the Spark engine.

Spark tests are marked `spark`, share one local[2] session per module and skip when pyspark or
Java is missing. All articles here are short texts written for these tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claimledger import batch
from claimledger.batch import bucket_of, errors_path, read_output, reports_for_batch, run_local
from claimledger.pipeline import analyze

PEOPLE = [("Jane Doe", "mayor of Springfield"), ("Tom Reyes", "finance minister"), ("Ana Kowalski", "union leader"),
          ("Lee Chen", "chief executive of Harbor Foods"), ("Maria Okafor", "school board chair")]
TOPICS = ["new bridges", "teacher salaries", "a hospital wing", "bus lanes", "flood defences"]


def make_article(i: int) -> dict:
    name, role = PEOPLE[i % len(PEOPLE)]
    topic = TOPICS[(i * 3) % len(TOPICS)]
    surname = name.split()[-1]
    text = (f"{name}, the {role}, said on Tuesday that the city would spend ${i + 2} million on {topic}. "
            f"\"We cannot wait any longer,\" {surname} told reporters. "
            f"Critics said the plan was rushed, and a spokesman for the opposition declined to comment. "
            f"Costs rose {i + 5}% last year, according to a council report published in March.")
    if i % 4 == 0:
        text += f"\n\nThe vote is expected next week. About {100 + i} residents attended the meeting."
    return {"id": f"art-{i:02d}", "title": f"Story {i}", "url": f"https://news.example/{i}",
            "outlet": "The Example Times", "published": f"2024-05-{(i % 27) + 1:02d}", "text": text}


ARTICLES = [make_article(i) for i in range(20)]


def expected_report(article: dict) -> dict:
    return analyze(article["text"], id=article["id"], title=article["title"], url=article["url"],
                   outlet=article["outlet"], published=article["published"]).to_dict()


@pytest.fixture(scope="module")
def expected(nlp) -> dict[str, dict]:
    return {a["id"]: expected_report(a) for a in ARTICLES}


def write_jsonl(path: Path, records: list) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(record if isinstance(record, str) else json.dumps(record) + "\n")
    return path


@pytest.fixture(scope="module")
def faulty_dir(tmp_path_factory) -> Path:
    """A directory of article files: good ones, a binary one, an empty one and an oversized one."""
    root = tmp_path_factory.mktemp("articles")
    for article in ARTICLES[:3]:
        (root / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    (root / "photo.txt").write_bytes(bytes(range(256)) * 4)
    (root / "blank.txt").write_text("   \n", encoding="utf-8")
    (root / "huge.txt").write_text("Word " * 2000, encoding="utf-8")  # over the max_bytes the tests pass
    write_jsonl(root / "more.jsonl", [ARTICLES[3], "{not json\n", {"id": "no-text", "text": ""}])
    return root


FAULT_MAX_BYTES = 5000


def check_against_analyze(rows: list[dict], expected: dict[str, dict]) -> None:
    """Every row's report, metadata and counts equal a fresh `analyze` of the same article."""
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for row in rows:
        want = expected[row["id"]]
        assert json.loads(row["report"]) == want
        for key in ("title", "url", "outlet", "published", "sha256"):
            assert row[key] == want["article"][key]
        assert row["n_chars"] == len(want["text"])
        assert row["n_entities"] == len(want["entities"])
        assert row["n_attributions"] == len(want["attributions"])
        assert row["n_no_comment"] == len(want["no_comment"])
        assert row["n_quantities"] == len(want["quantities"])
        assert row["n_dates"] == len(want["dates"])
        assert row["n_findings"] == len(want["findings"])
        assert row["n_findings_error"] == sum(f["severity"] == "error" for f in want["findings"])
        assert row["bucket"] == bucket_of(row["id"], 4)


# ---------------------------------------------------------------- engine-neutral batch function

def test_bucket_is_stable_and_in_range():
    buckets = [bucket_of(f"id-{i}", 7) for i in range(200)]
    assert buckets == [bucket_of(f"id-{i}", 7) for i in range(200)]
    assert set(buckets) == set(range(7))  # 200 ids spread over every bucket


def test_reports_for_batch_matches_analyze_in_input_order(expected):
    records = [batch.record_of(batch.ArticleInput(**a), 4) for a in ARTICLES[:6]]
    rows = reports_for_batch(records, batch_size=4)
    assert [r["id"] for r in rows] == [a["id"] for a in ARTICLES[:6]]
    assert all(r["error"] is None for r in rows)
    check_against_analyze(rows, {a["id"]: expected[a["id"]] for a in ARTICLES[:6]})


def test_reports_for_batch_turns_every_fault_into_an_error_row(nlp, monkeypatch):
    from claimledger import pipeline

    def explode(doc, report):  # a stage bug that hits one article only
        if "EXPLODE" in doc.text:
            raise RuntimeError("stage bug")

    monkeypatch.setitem(pipeline.STAGES, "explode", explode)
    good = ARTICLES[0]["text"]
    records = [batch._record(good, "good", 4, id="good"),
               batch._record("", "empty", 4, id="empty"),
               batch._record("bad\x00bytes here", "nul", 4, id="nul"),
               batch._record("x " * 600, "big", 4, id="big"),
               batch._record(None, "unreadable", 4, error="binary file, not text"),
               batch._record(good + " EXPLODE", "boom", 4, id="boom"),
               batch._record(good, "good2", 4, id="good2")]
    rows = reports_for_batch(records, max_chars=1000)
    reasons = {r["id"]: r["error"] for r in rows}
    assert [r["id"] for r in rows] == ["good", "empty", "nul", "big", "unreadable", "boom", "good2"]
    assert reasons["good"] is None and reasons["good2"] is None
    assert "empty" in reasons["empty"]
    assert "NUL" in reasons["nul"]
    assert "over the limit of 1,000" in reasons["big"]
    assert reasons["unreadable"] == "binary file, not text"
    assert reasons["boom"] == "analysis failed (RuntimeError: stage bug)"
    assert json.loads(rows[6]["report"])["article"]["id"] == "good2"


def test_reports_for_batch_isolates_a_failure_outside_the_stages(nlp, monkeypatch):
    real = batch.analyze_many

    def crashing(articles, **kwargs):  # e.g. the parser dying on one text takes the whole batch down
        if any("CRASH" in a.text for a in articles):
            raise MemoryError("parser ran out of memory")
        return real(articles, **kwargs)

    monkeypatch.setattr(batch, "analyze_many", crashing)
    records = [batch._record(ARTICLES[i]["text"], f"o{i}", 4, id=f"r{i}") for i in range(3)]
    records.insert(1, batch._record("CRASH " + ARTICLES[5]["text"], "crash", 4, id="crash"))
    rows = reports_for_batch(records)
    assert [r["error"] is None for r in rows] == [True, False, True, True]
    assert rows[1]["error"] == "analysis failed (MemoryError: parser ran out of memory)"


def test_plan_input_kinds(tmp_path, faulty_dir):
    from claimledger.batch import InputError, plan_input

    assert plan_input(faulty_dir).kind == "files" and len(plan_input(faulty_dir).files) == 7  # 6 .txt + .jsonl
    write_parquet(tmp_path / "in.parquet", ARTICLES[:1])
    assert plan_input(tmp_path).kind == "parquet"
    # remote locations are listed by Spark: named by suffix, else a Parquet dataset
    assert plan_input("s3a://bucket/articles.jsonl").kind == "files"
    assert plan_input("hdfs://nn/corpus/").kind == "parquet"
    assert errors_path("s3a://bucket/out/") == "s3a://bucket/out-errors"
    assert errors_path(tmp_path / "out") == tmp_path / "out-errors"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no article files"):
        plan_input(tmp_path / "empty")
    with pytest.raises(InputError, match="local paths"):
        run_local("s3a://bucket/articles.jsonl", tmp_path / "out")


# ---------------------------------------------------------------- local engine

@pytest.fixture(scope="module")
def local_jsonl(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("local")
    source = write_jsonl(root / "in.jsonl", ARTICLES)
    result = run_local(source, root / "out", workers=2, partitions=4)
    return root, source, result


def test_local_engine_equals_analyze_field_for_field(local_jsonl, expected):
    root, _, result = local_jsonl
    assert (result.reports, result.errors) == (20, 0)
    rows = read_output(root / "out")
    check_against_analyze(rows, expected)
    for bucket_dir in (root / "out").iterdir():  # one sorted file per bucket
        files = list(bucket_dir.glob("*.parquet"))
        assert len(files) == 1
        ids = [r["id"] for r in read_output(root / "out") if f"bucket={r['bucket']}" == bucket_dir.name]
        assert ids == sorted(ids)


def test_local_rerun_writes_the_same_output_and_replaces_stale_files(local_jsonl):
    root, source, _ = local_jsonl
    before = {p.relative_to(root / "out"): p.read_bytes() for p in (root / "out").rglob("*.parquet")}
    stale = next((root / "out").iterdir()) / "part-stale.parquet"
    shutil.copy(next(iter((root / "out").rglob("*.parquet"))), stale)
    run_local(source, root / "out", workers=0, partitions=4)
    after = {p.relative_to(root / "out"): p.read_bytes() for p in (root / "out").rglob("*.parquet")}
    assert after == before


def crash_on_marker(records: list[dict], *args) -> list[dict]:
    """Runs in a pool worker: dies outright, as a worker killed for memory would, on a marked article."""
    import os

    if any("CRASH-THE-WORKER" in (r.get("text") or "") for r in records):
        os._exit(3)
    return reports_for_batch(records, *args)


def test_local_worker_death_costs_only_its_article(tmp_path, nlp):
    articles = ARTICLES[:5] + [{"id": "killer", "text": "CRASH-THE-WORKER " + ARTICLES[5]["text"]}]
    source = write_jsonl(tmp_path / "in.jsonl", articles)
    result = run_local(source, tmp_path / "out", workers=2, partitions=4, batch_fn=crash_on_marker)
    assert (result.reports, result.errors) == (5, 1)
    assert [r["id"] for r in read_output(tmp_path / "out")] == [a["id"] for a in ARTICLES[:5]]
    assert [(e["id"], e["reason"]) for e in read_output(tmp_path / "out", errors=True)] == \
        [("killer", batch.WORKER_DIED)]


def test_local_faults_go_to_the_errors_dataset(faulty_dir, tmp_path, nlp):
    result = run_local(faulty_dir, tmp_path / "out", workers=0, partitions=4, max_bytes=FAULT_MAX_BYTES)
    ids = sorted(r["id"] for r in read_output(tmp_path / "out"))
    assert result.reports == 4 and ids[0] == "art-03"  # .txt files have no id: theirs come from the text
    assert all(i.startswith("sha-") for i in ids[1:])
    errors = {Path(r["origin"]).name: r["reason"] for r in read_output(tmp_path / "out", errors=True)}
    assert result.errors == len(errors) == 5
    assert errors["photo.txt"] == "binary file, not text"
    assert "empty article" in errors["blank.txt"]
    assert "MB limit for one article" in errors["huge.txt"]
    assert errors["more.jsonl:2"].startswith("malformed JSON")
    assert "empty article" in errors["more.jsonl:3"]


def write_parquet(path: Path, articles: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{k: a[k] for k in ("id", "text", "title", "url", "outlet", "published")} for a in articles]
    rows.append({"id": "no-text", "text": None, "title": None, "url": None, "outlet": None, "published": None})
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_local_reads_parquet_input(tmp_path, expected):
    write_parquet(tmp_path / "in.parquet", ARTICLES[:4])
    run_local(tmp_path / "in.parquet", tmp_path / "out", workers=0, partitions=4)
    check_against_analyze(read_output(tmp_path / "out"), {a["id"]: expected[a["id"]] for a in ARTICLES[:4]})
    assert [(e["id"], e["reason"]) for e in read_output(tmp_path / "out", errors=True)] == \
        [("no-text", "no 'text' string in this row")]


def test_cli_batch_command(tmp_path, nlp):
    from click.testing import CliRunner

    from claimledger.cli import main

    source = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:2] + ["{oops\n"])
    result = CliRunner().invoke(main, ["batch", str(source), str(tmp_path / "out"), "--workers", "0",
                                       "--partitions", "4"])
    assert result.exit_code == 0, result.output
    assert "2 reports" in result.output and "1 errors" in result.output
    assert f"claimledger: {source}:3: malformed JSON" in result.stderr
    assert [r["id"] for r in read_output(tmp_path / "out")] == ["art-00", "art-01"]
    only_bad = write_jsonl(tmp_path / "bad.jsonl", ["{oops\n", "[1]\n"])
    result = CliRunner().invoke(main, ["batch", str(only_bad), str(tmp_path / "out3"), "--workers", "0"])
    assert result.exit_code == 1 and "0 reports" in result.stderr and "Traceback" not in result.output
    assert len([line for line in result.stderr.splitlines() if str(only_bad) in line]) == 2
    missing = CliRunner().invoke(main, ["batch", str(tmp_path / "nope"), str(tmp_path / "out2")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_ingest_from_parquet_stores_batch_reports_without_reanalyzing(local_jsonl, expected, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import pyarrow as pa
    import pyarrow.parquet as pq

    from claimledger import pipeline
    from claimledger.cli import main
    from claimledger.store import Ledger

    def no_analysis(*args, **kwargs):
        raise AssertionError("ingest --from-parquet must not analyze")

    monkeypatch.setattr(pipeline, "parse_many", no_analysis)
    root, _, _ = local_jsonl
    db = tmp_path / "ledger.db"
    for attempt in range(2):  # the second run finds every text already stored
        result = CliRunner().invoke(main, ["ingest", "--from-parquet", str(root / "out"), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert ("20 stored, 0 already" if attempt == 0 else "0 stored, 20 already") in result.output
    with Ledger.open(str(db)) as ledger:
        stored = {r["article"]["id"]: r for r in ledger.reports()}
    assert stored == expected
    empty = CliRunner().invoke(main, ["ingest", "--from-parquet", str(tmp_path), "--db", str(db)])
    assert empty.exit_code == 1 and "no Parquet batch output" in empty.stderr
    # A damaged part and a part of another dataset are each one line; the good parts are still stored.
    mixed = tmp_path / "mixed"
    shutil.copytree(root / "out", mixed)
    (mixed / "bucket=99").mkdir()
    (mixed / "bucket=99" / "junk.parquet").write_bytes(b"not parquet at all")
    pq.write_table(pa.table({"id": ["x"], "reason": ["boom"]}), mixed / "bucket=98.parquet")
    db2 = tmp_path / "ledger2.db"
    result = CliRunner().invoke(main, ["ingest", "--from-parquet", str(mixed), "--db", str(db2)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "20 stored" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines and all("not a claimledger batch output part" in line for line in lines)
    assert any("junk.parquet" in line for line in lines) and any("bucket=98" in line for line in lines)


# ---------------------------------------------------------------- Spark engine

def _java_available() -> bool:
    import os
    import shutil as sh

    return bool(sh.which("java") or os.environ.get("JAVA_HOME"))


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'claimledger[spark]')")
    pytest.importorskip("pandas", reason="pandas not installed (needed by pyspark mapInPandas)")
    if not _java_available():
        pytest.skip("no Java runtime (install openjdk-17-jre-headless; .ci/services.d/java.sh does)")
    session = batch.spark_session("local[2]", app_name="claimledger-tests", shuffle_partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def spark_jsonl(spark, local_jsonl):
    root, source, _ = local_jsonl
    result = batch.run_spark(source, root / "spark-out", spark=spark, partitions=4)
    return root, source, result


@pytest.mark.spark
def test_spark_equals_analyze_field_for_field(spark_jsonl, expected):
    root, _, result = spark_jsonl
    assert (result.reports, result.errors) == (20, 0)
    check_against_analyze(read_output(root / "spark-out"), expected)


@pytest.mark.spark
def test_spark_and_local_engines_write_identical_rows(spark_jsonl):
    root, _, _ = spark_jsonl
    assert read_output(root / "spark-out") == read_output(root / "out")
    assert sorted(p.name for p in (root / "spark-out").glob("bucket=*")) == \
        sorted(p.name for p in (root / "out").glob("bucket=*"))


@pytest.mark.spark
def test_spark_faults_go_to_the_errors_dataset_like_local(spark, faulty_dir, tmp_path, nlp):
    result = batch.run_spark(faulty_dir, tmp_path / "spark", spark=spark, partitions=4, max_bytes=FAULT_MAX_BYTES)
    run_local(faulty_dir, tmp_path / "local", workers=0, partitions=4, max_bytes=FAULT_MAX_BYTES)
    assert (result.reports, result.errors) == (4, 5)
    assert read_output(tmp_path / "spark", errors=True) == read_output(tmp_path / "local", errors=True)
    assert read_output(tmp_path / "spark") == read_output(tmp_path / "local")
    assert errors_path(tmp_path / "spark").is_dir()


@pytest.mark.spark
def test_spark_rerun_overwrites_by_partition(spark, spark_jsonl, tmp_path):
    root, source, _ = spark_jsonl
    out = tmp_path / "out"
    shutil.copytree(root / "spark-out", out)
    keep = out / "bucket=99"  # a bucket this input does not produce: dynamic overwrite leaves it alone
    keep.mkdir()
    batch.run_spark(source, out, spark=spark, partitions=4)
    assert read_output(out) == read_output(root / "spark-out")
    assert keep.is_dir()
    assert all(len(list(d.glob("*.parquet"))) == 1 for d in out.glob("bucket=[0-3]"))


@pytest.mark.spark
def test_spark_reads_parquet_input(spark, tmp_path, expected):
    source = write_parquet(tmp_path / "in.parquet", ARTICLES[4:8])
    batch.run_spark(source, tmp_path / "out", spark=spark, partitions=4)
    check_against_analyze(read_output(tmp_path / "out"), {a["id"]: expected[a["id"]] for a in ARTICLES[4:8]})
    errors = read_output(tmp_path / "out", errors=True)
    assert [(e["id"], e["reason"]) for e in errors] == [("no-text", "no 'text' string in this row")]
