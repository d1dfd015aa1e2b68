"""The ledger's storage layer, run against real SQLite files and (when reachable) a real PostgreSQL server.

Every test that takes `db` runs once per backend. PostgreSQL runs need CLAIMLEDGER_TEST_PG_URL (set by
.ci/services.d/postgresql.sh); each test gets its own freshly created database on that server.
Assertions are about storage (round trips, keys, idempotence, search, export), not about what the
analyzer finds: most reports here are built by hand.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from claimledger import export, schema, store
from claimledger.pipeline import ArticleInput, analyze_many, text_sha256
from claimledger.store import Ledger, LedgerError, SearchFilters

PG_ENV = "CLAIMLEDGER_TEST_PG_URL"
ARTICLE_TEXTS = [
    "Mayor Anna Berg said on Tuesday that 40 families had left the valley. "
    "The water board declined to comment.",
    "\"We will rebuild the bridge,\" the minister told reporters in Riverton, adding that it would cost "
    "about 3 million euros.",
    "Officials denied reports that the dam had been damaged. A spokesman said repairs began in 2024.",
]


def _pg_reason() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return f"PostgreSQL tests need {PG_ENV} (set by .ci/services.d/postgresql.sh)"
    try:
        engine = sa.create_engine(store.parse_target(url).url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, and say why
        return f"PostgreSQL at {store._display(url)} unreachable: {store._db_problem(exc)}"
    return None


@pytest.fixture(scope="session")
def pg_admin():
    """An engine on the test server (autocommit, for CREATE/DROP DATABASE), or a skip with the reason."""
    reason = _pg_reason()
    if reason:
        pytest.skip(reason)
    engine = sa.create_engine(store.parse_target(os.environ[PG_ENV]).url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin):
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    name = "cl_test_" + uuid.uuid4().hex[:12]
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(os.environ[PG_ENV]).set(database=name)
    yield url.render_as_string(hide_password=False)
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    """A ledger location that does not exist yet: a SQLite file path, or a fresh PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module")
def analyzed() -> list[dict]:
    arts = [ArticleInput(text=t, id=f"hand-{i}", title=f"Hand {i}", outlet="The Test Times",
                         published=f"2025-03-{10 + i}") for i, t in enumerate(ARTICLE_TEXTS)]
    return [r.to_dict() for r in analyze_many(arts)]


def _report(n: int, text: str, *, published: str | None = "2025-03-20", outlet: str | None = "The Test Times",
            source: str = "Anna Berg", kind: str = "person", polarity: str = "affirm",
            findings: tuple[str, ...] = ()) -> dict:
    """A hand-made report exercising every optional field the report format has."""
    start = text.index(source) if source in text else 0
    return {
        "schema": "claimledger.report/1",
        "article": {"id": f"r{n}", "title": f"Report {n} — «ü»", "url": f"https://example.org/{n}",
                    "outlet": outlet, "published": published, "language": "en", "sha256": text_sha256(text)},
        "text": text,
        "entities": [{"id": "e1", "name": source, "type": "PERSON",
                      "mentions": [{"start": start, "end": start + len(source), "text": source}]},
                     {"id": "e2", "name": "Nobody", "type": "ORG", "mentions": []}],
        "attributions": [
            {"id": "a1", "source": {"text": source, "start": start, "end": start + len(source), "name": source,
                                    "entity": "e1", "kind": kind},
             "cue": {"text": "said", "start": 1, "end": 5, "lemma": "say"},
             "content": {"start": 0, "end": len(text), "text": text,
                         "fragments": [{"start": 6, "end": 10, "text": text[6:10]},
                                       {"start": 20, "end": 30, "text": text[20:30]}]},
             "form": "mixed", "polarity": polarity},
            {"id": "a2", "source": None, "cue": {"text": "according to", "start": 0, "end": 3},
             "content": {"start": 0, "end": 4, "text": text[0:4]}, "form": "indirect", "polarity": "affirm",
             "confidence": 0.5},   # a field this schema has no column for
        ],
        "no_comment": [{"source": {"text": "The ministry", "start": 0, "end": 3, "name": None, "entity": None,
                                   "kind": "organization"},
                        "cue": {"text": "declined to comment", "start": 4, "end": 8, "lemma": "decline"}},
                       {"source": None, "cue": {"text": "did not respond", "start": 4, "end": 8}}],
        "quantities": [
            {"id": "q1", "text": "5 billion euros", "start": 0, "end": 3, "value": 5000000000, "unit": "EUR",
             "dimension": "currency", "bound": "at_least", "counts": None, "unit_name": "euro"},
            {"id": "q2", "text": "2.5 km", "start": 0, "end": 3, "value": 2.5, "unit": "km", "dimension": "length",
             "bound": "exact", "counts": None, "range": [2.0, 3.0],
             "change": {"from": 2400, "to": 310, "stated": None}},
            {"id": "q3", "text": "4.0 kg", "start": 0, "end": 3, "value": 4.0, "unit": "kg", "dimension": "mass",
             "bound": "about", "counts": "sacks", "unit_guess": "because"},
            {"id": "q4", "text": "huge", "start": 0, "end": 3, "value": 2 ** 60 + 1, "unit": None,
             "dimension": None, "bound": "exact", "counts": None},
            {"id": "q5", "text": "some", "start": 0, "end": 3, "value": None, "unit": None, "dimension": None,
             "bound": "exact", "counts": None},
        ],
        "dates": [{"text": "Tuesday", "start": 0, "end": 3, "resolved": "2025-03-18"},
                  {"text": "later", "start": 0, "end": 3, "resolved": None}],
        "findings": [{"id": f"f{i + 1}", "kind": k, "severity": "warning", "message": f"{k} here",
                      "evidence": [{"start": 0, "end": 3, "text": text[0:3]}], "suggestion": None}
                     for i, k in enumerate(findings)],
        "warnings": ["in.txt: not UTF-8; decoded as cp1252"],
        "future_field": {"nested": [1, 2]},
    }


def _texts() -> list[str]:
    return ["Anna Berg said the flood reached the town hall and officials denies nothing at all.",
            "Omar Haddad said the bridge would reopen in May after repairs to the western pier.",
            "A spokesperson said ministers denied that the budget for the dam had been cut again."]


@pytest.fixture
def hand_reports() -> list[dict]:
    t = _texts()
    return [_report(1, t[0], published="2025-01-05", outlet="North Post", findings=("conversion_mismatch",)),
            _report(2, t[1], published="2025-02-10", outlet="South Star", source="Omar Haddad",
                    polarity="affirm"),
            _report(3, t[2], published=None, outlet=None, source="A spokesperson", kind="anonymous",
                    polarity="deny", findings=("date_resolved", "conversion_mismatch"))]


# ---------------------------------------------------------------------------------------------
# Round trip, keys, idempotence


def test_reports_round_trip_exactly(db, analyzed, hand_reports):
    originals = analyzed + hand_reports
    with Ledger.open(db, create=True) as ledger:
        result = ledger.store(originals)
        assert (result.stored, result.skipped) == (len(originals), 0)
        back = list(ledger.reports())
    assert back == originals
    # Byte for byte, as `analyze --format jsonl` writes them: key order and 5 vs 5.0 survive too.
    assert [json.dumps(r, ensure_ascii=False) for r in back] == \
           [json.dumps(r, ensure_ascii=False) for r in originals]


def test_same_text_is_stored_once(db, hand_reports):
    with Ledger.open(db, create=True) as ledger:
        assert ledger.store(hand_reports[:2]).stored == 2
        again = copy.deepcopy(hand_reports)
        again[0]["article"]["id"] = "another-id-same-text"
        result = ledger.store(again)
        assert (result.stored, result.skipped) == (1, 2)
        assert ledger.count("articles") == 3
        assert ledger.count("attributions") == 6
        assert [r["article"]["id"] for r in ledger.reports()] == ["r1", "r2", "r3"]


def test_replace_only_when_the_analyzer_version_changed(db, hand_reports):
    with Ledger.open(db, create=True) as ledger:
        ledger.store(hand_reports, version="claimledger 0.0.1")
        newer = copy.deepcopy(hand_reports[0])
        newer["attributions"] = newer["attributions"][:1]
        assert ledger.store([newer], replace=True, version="claimledger 0.0.1").skipped == 1
        result = ledger.store([newer], replace=True, version="claimledger 0.0.2")
        assert (result.replaced, result.stored) == (1, 0)
        assert ledger.count("articles") == 3
        assert ledger.count("attributions") == 5          # 2 + 2 + the replaced article's 1
        assert ledger.count("mentions") == 3              # no orphans left by the replacement
        stored = {r["article"]["sha256"]: r for r in ledger.reports()}
        assert stored[newer["article"]["sha256"]] == newer
        assert ledger.stored_versions([newer["article"]["sha256"]]) == \
            {newer["article"]["sha256"]: "claimledger 0.0.2"}


def test_foreign_keys_are_real(db, hand_reports):
    with Ledger.open(db, create=True) as ledger:
        ledger.store(hand_reports)
        with pytest.raises(sa.exc.IntegrityError), ledger.engine.begin() as conn:
            conn.execute(sa.insert(schema.dates).values(article_id=999_999, ord=0, text="x", start=0, end=1))
        with ledger.engine.begin() as conn:
            first = conn.scalar(sa.select(schema.articles.c.id).order_by(schema.articles.c.id))
            entity = conn.execute(sa.select(schema.attributions.c.source_entity_id, schema.entities.c.name)
                                  .join(schema.entities, schema.entities.c.id == schema.attributions.c.source_entity_id)
                                  .where(schema.attributions.c.article_id == first)).one()
            assert entity.name == "Anna Berg"
            conn.execute(sa.delete(schema.articles).where(schema.articles.c.id == first))
        for table in schema.CHILD_TABLES:
            with ledger.engine.connect() as conn:
                left = conn.scalar(sa.select(sa.func.count()).select_from(table)
                                   .where(table.c.article_id == first))
            assert left == 0, f"{table.name} kept rows of a deleted article"
        # The full-text index follows deletions (SQLite triggers / PostgreSQL expression index).
        assert ledger.search("flood") == []
        assert _keys(ledger.search("bridge")) == ["r2#a1"]


def test_ingest_analyzes_only_what_is_new(db):
    arts = [ArticleInput(text=t) for t in ARTICLE_TEXTS]
    with Ledger.open(db, create=True) as ledger:
        first = ledger.ingest(arts[:2], commit_every=1)
        assert (first.stored, first.skipped) == (2, 0)
        assert first.storage_seconds > 0 and first.seconds >= first.storage_seconds
        second = ledger.ingest(arts + [ArticleInput(text=ARTICLE_TEXTS[2])])
        assert (second.stored, second.skipped) == (1, 3)
        assert ledger.count() == 3
        assert sorted(r["text"] for r in ledger.reports()) == sorted(ARTICLE_TEXTS)


# ---------------------------------------------------------------------------------------------
# Search


def _keys(rows: list[dict]) -> list[str]:
    return sorted(f"{r['article']}#{r.get('attribution', '')}" for r in rows)


def test_search_words_and_filters(db, hand_reports):
    with Ledger.open(db, create=True) as ledger:
        ledger.store(hand_reports)
    with Ledger.open(db, read_only=True) as ledger:
        # Attributions: content, source and cue are searched; all words must match.
        assert _keys(ledger.search("flood")) == ["r1#a1"]
        assert _keys(ledger.search("flood bridge")) == []
        assert _keys(ledger.search("Haddad")) == ["r2#a1"]
        # Stemmed: "denied" finds "denies" on both backends.
        assert "r1#a1" in _keys(ledger.search("denied"))
        assert _keys(ledger.search("", filters=SearchFilters(source="omar"))) == ["r2#a1"]
        assert _keys(ledger.search("", filters=SearchFilters(kind="anonymous"))) == ["r3#a1"]
        assert _keys(ledger.search("", filters=SearchFilters(polarity="deny"))) == ["r3#a1"]
        assert _keys(ledger.search("said", filters=SearchFilters(since="2025-02-01"))) == ["r2#a1"]
        assert _keys(ledger.search("", filters=SearchFilters(until="2025-01-31", source="anna"))) == ["r1#a1"]
        assert _keys(ledger.search("", filters=SearchFilters(outlet="south star"))) == ["r2#a1", "r2#a2"]
        assert _keys(ledger.search("", filters=SearchFilters(finding="conversion_mismatch", kind="person"))) \
            == ["r1#a1"]
        # Articles: title and text are searched; attribution filters select articles that have one.
        assert _keys(ledger.search("pier", scope="articles")) == ["r2#"]
        assert _keys(ledger.search("", scope="articles", filters=SearchFilters(polarity="deny"))) == ["r3#"]
        assert _keys(ledger.search("", scope="articles", filters=SearchFilters(finding="date_resolved"))) \
            == ["r3#"]
        assert len(ledger.search("", limit=2)) == 2
        # User text never becomes query syntax.
        for nasty in ['"', "flood AND", "NEAR(", "*", "a'b", "-flood", "flood)", "%_\\"]:
            ledger.search(nasty)
            ledger.search("", filters=SearchFilters(source=nasty))
        assert ledger.search("", filters=SearchFilters(source="%")) == []
        # Punctuation alone names no word: it matches nothing rather than everything.
        for nothing in ["-", '"', "*", "(", "%", "\\"]:
            assert ledger.search(nothing) == [] and ledger.search(nothing, scope="articles") == []


def test_postgresql_search_uses_a_tsvector_index(pg_url, hand_reports):
    from claimledger.search import build_search

    with Ledger.open(pg_url, create=True) as ledger, ledger.engine.connect() as conn:
        ledger.store(hand_reports)
        rows = conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE :p"),
                            {"p": "%tsv"})
        defs = {name: definition for name, definition in rows}
        assert set(defs) == {"ix_articles_tsv", "ix_attributions_tsv"}
        assert all("gin" in d and "to_tsvector" in d for d in defs.values())
        # The query's tsvector expression is the indexed one, so the planner can use the index.
        conn.exec_driver_sql("SET enable_seqscan = off")
        for scope in ("attributions", "articles"):
            statement = build_search("bridge", scope=scope, filters=SearchFilters(), backend="postgresql",
                                     limit=5)
            sql = str(statement.compile(dialect=ledger.engine.dialect, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql.replace("%%", "%")))
            assert f"ix_{scope}_tsv" in plan, plan


def test_sqlite_fts_follows_sqlite_utils_conventions(tmp_path, hand_reports):
    path = tmp_path / "ledger.db"
    with Ledger.open(str(path), create=True) as ledger:
        ledger.store(hand_reports)
    con = sqlite3.connect(path)
    sql = dict(con.execute("SELECT name, sql FROM sqlite_master"))
    for table, columns in schema.FTS_COLUMNS.items():
        # What Datasette's detect_fts() looks for: a virtual table naming the table as its content.
        assert f"content=[{table}]" in sql[f"{table}_fts"] and "FTS5" in sql[f"{table}_fts"]
        assert {f"{table}_ai", f"{table}_ad", f"{table}_au"} <= set(sql)
        for column in columns:
            assert f"[{column}]" in sql[f"{table}_fts"]
    assert con.execute("SELECT rowid FROM attributions_fts WHERE attributions_fts MATCH 'pier'").fetchall()
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


# ---------------------------------------------------------------------------------------------
# Schema version and migration


def test_schema_version_and_migration_path(db, hand_reports, monkeypatch):
    with Ledger.open(db, create=True) as ledger:
        ledger.store(hand_reports[:1])
        with ledger.engine.connect() as conn:
            assert conn.scalar(sa.select(schema.ledger_meta.c.value)
                               .where(schema.ledger_meta.c.key == "schema_version")) == str(schema.SCHEMA_VERSION)

    def add_reviewed_column(conn):
        conn.execute(sa.DDL("ALTER TABLE articles ADD COLUMN reviewed_by TEXT"))

    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(store, "SCHEMA_VERSION", current + 1)   # the version the store opens with
    monkeypatch.setitem(schema.MIGRATIONS, current, add_reviewed_column)
    with pytest.raises(LedgerError, match="run 'claimledger ingest' once to upgrade"):
        Ledger.open(db, read_only=True)
    with Ledger.open(db, create=True) as ledger:
        with ledger.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("articles")}
            version = conn.scalar(sa.select(schema.ledger_meta.c.value)
                                  .where(schema.ledger_meta.c.key == "schema_version"))
        assert "reviewed_by" in columns and version == str(current + 1)
        assert list(ledger.reports()) == hand_reports[:1]
    # A ledger from a newer claimledger is refused, not mangled.
    monkeypatch.setattr(store, "SCHEMA_VERSION", 1)
    with pytest.raises(LedgerError, match="newer than this claimledger"):
        Ledger.open(db)


# ---------------------------------------------------------------------------------------------
# Export


def test_export_every_table_as_csv_jsonl_and_parquet(db, hand_reports, tmp_path):
    import csv
    import io

    import pyarrow.parquet as pq

    with Ledger.open(db, create=True) as ledger:
        ledger.store(hand_reports)
        for name, table in schema.TABLES.items():
            expected = ledger.count(name)
            buf = io.StringIO()
            assert export.export_table(ledger, name, "csv", buf) == expected
            rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
            assert len(rows) == expected and list(rows[0]) == [c.name for c in table.columns]
            buf = io.StringIO()
            export.export_table(ledger, name, "jsonl", buf)
            assert len([json.loads(line) for line in buf.getvalue().splitlines()]) == expected
            target = tmp_path / f"{name}.parquet"
            assert export.export_table(ledger, name, "parquet", target) == expected
            parquet = pq.read_table(target)
            assert parquet.num_rows == expected and parquet.column_names == [c.name for c in table.columns]
        quantities = pq.read_table(tmp_path / "quantities.parquet").to_pylist()
        assert json.loads(quantities[1]["change"]) == {"from": 2400, "to": 310, "stated": None}
        published = pq.read_table(tmp_path / "articles.parquet").column("published").to_pylist()
        assert [p.isoformat() if p else None for p in published] == ["2025-01-05", "2025-02-10", None]
        buf = io.StringIO()
        assert export.export_reports(ledger, buf) == 3
        assert [json.loads(line) for line in buf.getvalue().splitlines()] == hand_reports


def test_datasette_metadata_names_only_real_tables_and_columns():
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read datasette/metadata.yml")

    meta = yaml.safe_load((Path(__file__).resolve().parents[1] / "datasette" / "metadata.yml").read_text())
    tables = meta["databases"]["ledger"]["tables"]
    assert set(schema.TABLES) <= set(tables)
    for name, spec in tables.items():
        if name.endswith("_fts"):
            assert name[:-4] in schema.FTS_COLUMNS
            continue
        columns = {c.name for c in schema.metadata.tables[name].columns}
        named = set(spec.get("columns", {})) | set(spec.get("facets", [])) | set(spec.get("sortable_columns", []))
        if "label_column" in spec:
            named.add(spec["label_column"])
        assert named <= columns, f"{name}: {sorted(named - columns)} are not columns"
        if "fts_table" in spec:
            assert spec["fts_table"] == f"{name}_fts" and name in schema.FTS_COLUMNS


def test_bad_targets_are_refused_with_one_line(tmp_path):
    with pytest.raises(LedgerError, match="unsupported database"):
        Ledger.open("mysql://u@h/db")
    with pytest.raises(LedgerError, match="no such database"):
        Ledger.open(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(LedgerError, match="does not exist"):
        Ledger.open(str(tmp_path / "no" / "dir.db"), create=True)
    with pytest.raises(LedgerError, match="is a directory"):
        Ledger.open(str(tmp_path), create=True)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE people (name TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(LedgerError, match="not a claimledger ledger"):
        Ledger.open(str(other), create=True)
    assert other.read_bytes() == before
    err = None
    try:
        Ledger.open("postgresql://someone:secret-pw@127.0.0.1:1/nowhere")
    except LedgerError as exc:
        err = str(exc)
    assert err is not None and "secret-pw" not in err and "\n" not in err


def test_a_lock_met_at_once_while_opening_is_retried(tmp_path, monkeypatch):
    # Two processes creating one SQLite file can meet a lock SQLite reports without waiting for it.
    real_open, calls = Ledger._open.__func__, []

    def flaky(cls, db, create, read_only):
        calls.append(db)
        if len(calls) < 3:
            raise LedgerError(db, "database is locked")
        return real_open(cls, db, create, read_only)

    monkeypatch.setattr(Ledger, "_open", classmethod(flaky))
    with Ledger.open(str(tmp_path / "l.db"), create=True) as ledger:
        assert ledger.count() == 0
    assert len(calls) == 3
    calls.clear()

    def broken(cls, db, create, read_only):
        calls.append(db)
        raise LedgerError(db, "not an SQLite database; left untouched")

    monkeypatch.setattr(Ledger, "_open", classmethod(broken))
    with pytest.raises(LedgerError, match="not an SQLite database"):
        Ledger.open(str(tmp_path / "x.db"))
    assert len(calls) == 1  # anything but a lock is reported at once
