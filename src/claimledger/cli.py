"""The command line: a thin skin over the library (ingest → pipeline → render)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.progress import Progress

from . import __version__
from .consistency import FINDING_KINDS
from .ingest import DEFAULT_MAX_BYTES, InputProblem, read_inputs
from .nlp import ModelError
from .pipeline import ArticleInput, InputError, analyze_many
from .report import SOURCE_KINDS, Report

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def error_line(message: str) -> None:
    click.echo(f"claimledger: {message}", err=True)


class Published(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from .dates import parse_published

        try:
            return parse_published(value, "--published")
        except InputError as exc:
            self.fail(exc.message, param, ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimledger")
def main() -> None:
    """Who said what, how much, and does it add up: a claim ledger for news."""


def _progress(total: int) -> "Progress | None":
    """A progress bar on stderr, only for several articles on a terminal."""
    if total < 2 or not sys.stderr.isatty():
        return None
    return Progress(console=Console(stderr=True), transient=True)


class Writer:
    """Writes reports in one format as they come, to stdout or to files."""

    def __init__(self, fmt: str, output: Path | None, out: TextIO) -> None:
        self.fmt, self.output, self.out = fmt, output, out
        self.json_reports: list[dict] = []
        self.count = 0
        self.many = False  # json: a list even when one report came out
        self.console = Console(file=out) if fmt == "text" else None
        self.with_claims = False  # analyze --claims: add the claims board of each article

    def as_dict(self, report: Report) -> dict:
        data = report.to_dict()
        if self.with_claims:
            from .claims import claims_for_report

            data["claims"] = claims_for_report(data)
        return data

    def write(self, report: Report) -> None:
        self.count += 1
        if self.fmt == "jsonl":
            self.out.write(json.dumps(self.as_dict(report), ensure_ascii=False) + "\n")
            self.out.flush()
        elif self.fmt == "json":
            self.json_reports.append(self.as_dict(report))
        elif self.fmt == "html":
            self._write_html(report)
        else:
            from .render import print_text

            print_text(report, self.console)
            if self.with_claims:
                from .claims import build_claims, format_text

                self.console.print("Claims", style="bold")
                self.console.print(format_text(build_claims([report.to_dict()])), markup=False, highlight=False,
                                   soft_wrap=True)

    def _write_html(self, report: Report) -> None:
        from .render import to_html

        page = to_html(report)
        if self.with_claims:
            from .claims import build_claims, claims_section

            board = claims_section(build_claims([report.to_dict()]))
            page = page.replace("</body>", f"<h2>Claims</h2>\n{board}\n</body>", 1)
        if self.output is None:
            self.out.write(page)
        elif self.output.suffix.lower() in (".html", ".htm") and self.count == 1:
            self.output.write_text(page, encoding="utf-8")
        else:
            self.output.mkdir(parents=True, exist_ok=True)
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in report.article.id)[:120]
            (self.output / f"{safe}.html").write_text(page, encoding="utf-8")

    def close(self) -> None:
        if self.fmt == "json":
            body = self.json_reports[0] if len(self.json_reports) == 1 and not self.many else self.json_reports
            self.out.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


class Failures:
    """Counts inputs that failed, printing one line for each."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, origin: str, message: str) -> None:
        self.count += 1
        error_line(f"{origin}: {message}")

    def on_error(self, article: ArticleInput, exc: Exception) -> None:
        """For analyze_many(on_error=...): bad input as it is, anything else as a failed analysis."""
        if isinstance(exc, InputError):
            self(exc.origin, exc.message)
        else:
            self(article.origin, f"analysis failed ({type(exc).__name__}: {exc})")


def read_articles(inputs: tuple[str, ...], published: str | None, max_bytes: int, stdin_kind: str,
                  fail: Failures) -> list[ArticleInput]:
    """Every readable article of the inputs; each unreadable one is reported through `fail`."""
    articles: list[ArticleInput] = []
    for item in read_inputs(inputs, published=published, max_bytes=max_bytes, stdin_kind=stdin_kind):
        if isinstance(item, InputProblem) and item.notice:
            error_line(f"warning: {item}")
        elif isinstance(item, InputProblem):
            fail(item.origin, item.message)
        else:
            articles.append(item)
            for warning in item.warnings:
                error_line(f"warning: {warning}")
    return articles


def input_options(fn):  # type: ignore[no-untyped-def]
    """The options every command that reads articles shares."""
    for option in reversed([
        click.option("--published", type=Published(), default=None,
                     help="Publication date for every input (overrides dates found in the input)."),
        click.option("--stdin-format", type=click.Choice(["text", "html", "jsonl"]), default="text",
                     show_default=True, help="What '-' (stdin) holds."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Refuse a single article larger than this."),
        click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True),
    ]):
        fn = option(fn)
    return fn


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "html"]), default="text",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write here instead of stdout (for html with several articles: a directory).")
@input_options
@click.option("--claims", "with_claims", is_flag=True,
              help="Add each article's claims (propositions with asserting and denying sources).")
def analyze(inputs: tuple[str, ...], fmt: str, published: str | None, output: Path | None,
            stdin_format: str, max_bytes: int, batch_size: int, with_claims: bool) -> None:
    """Analyze articles: FILE, DIRECTORY, .jsonl or '-' for stdin."""
    fail = Failures()
    articles = read_articles(inputs, published, max_bytes, stdin_format, fail)
    if fmt == "html" and output is None and len(articles) > 1:
        error_line("several articles with --format html: give --output DIRECTORY")
        sys.exit(EXIT_USAGE)

    try:
        out_stream = sys.stdout if output is None or fmt == "html" else open(output, "w", encoding="utf-8")
    except OSError as exc:
        error_line(f"{output}: cannot write ({exc.strerror or exc})")
        sys.exit(EXIT_USAGE)
    writer = Writer(fmt, output if fmt == "html" else None, out_stream)
    writer.with_claims = with_claims
    # The shape of --format json follows what was asked for, not how many articles survived.
    writer.many = len(articles) > 1 or len(inputs) > 1
    progress = _progress(len(articles))
    try:
        reports = analyze_many(articles, batch_size=batch_size, on_error=fail.on_error)
        if progress is None:
            for report in reports:
                writer.write(report)
        else:
            with progress:
                task = progress.add_task("analyzing", total=len(articles))
                for report in reports:
                    writer.write(report)
                    progress.advance(task)
        writer.close()
    except ModelError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    except OSError as exc:  # html pages into a directory that cannot be made or written
        error_line(f"{exc.filename or output}: cannot write ({exc.strerror or exc})")
        sys.exit(EXIT_SOME_FAILED)
    finally:
        if out_stream is not sys.stdout:
            out_stream.close()
    if fail.count:
        sys.exit(EXIT_SOME_FAILED)


# ---------------------------------------------------------------------------------------------
# The ledger: ingest, search, export. The logic lives in store.py and search.py.

def _not_blank(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("empty path: give a ledger file or a postgresql:// URL")
    return value


def _db_option(fn):  # type: ignore[no-untyped-def]
    return click.option("--db", required=True, envvar="CLAIMLEDGER_DB", metavar="FILE|postgresql://URL",
                        callback=_not_blank,
                        help="SQLite file (the default backend) or PostgreSQL URL [env: CLAIMLEDGER_DB].")(fn)


def _open_ledger(db: str, **kwargs):  # type: ignore[no-untyped-def]
    from .store import Ledger, LedgerError

    try:
        return Ledger.open(db, **kwargs)
    except LedgerError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)


@main.command()
@click.argument("inputs", nargs=-1)
@_db_option
@input_options
@click.option("--from-parquet", "from_parquet", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Load the reports of a `claimledger batch` output instead of analyzing INPUTS.")
@click.option("--reanalyze", is_flag=True,
              help="Re-analyze stored articles whose analyzer version differs from this one, replacing them.")
@click.option("--commit-every", type=click.IntRange(min=1), default=50, show_default=True,
              help="Articles per transaction (a transaction is also closed every 5 s).")
def ingest(inputs: tuple[str, ...], db: str, published: str | None, stdin_format: str, max_bytes: int,
           batch_size: int, from_parquet: Path | None, reanalyze: bool, commit_every: int) -> None:
    """Analyze articles and store them in a ledger; texts already stored are skipped (by sha256)."""
    if from_parquet is not None:
        if inputs:
            raise click.UsageError("give either INPUTS or --from-parquet, not both")
        _ingest_batch_output(from_parquet, db)
        return
    if not inputs:
        raise click.UsageError("missing INPUTS (files, directories, .jsonl or '-')")
    from rich.progress import ProgressColumn
    from rich.text import Text

    from .store import LedgerError

    fail = Failures()
    ledger = _open_ledger(db, create=True)
    articles = read_articles(inputs, published, max_bytes, stdin_format, fail)

    class Speed(ProgressColumn):
        def render(self, task):  # type: ignore[no-untyped-def]
            return Text(f"{task.speed or 0:.1f} articles/s")

    try:
        plan = ledger.plan(articles, reanalyze=reanalyze)
        for article, reason in plan.refused:
            fail(article.origin, reason)
        progress = _progress(len(plan.todo))
        if progress is None:
            stats = ledger.ingest([], plan=plan, reanalyze=reanalyze, commit_every=commit_every,
                                  batch_size=batch_size, on_error=fail.on_error)
        else:
            progress.columns = (*progress.columns, Speed())
            with progress:
                task = progress.add_task("ingesting", total=len(plan.todo))
                stats = ledger.ingest([], plan=plan, reanalyze=reanalyze, commit_every=commit_every,
                                      batch_size=batch_size, on_error=fail.on_error,
                                      on_stored=lambda n: progress.advance(task, n))
    except (LedgerError, ModelError) as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    finally:
        ledger.close()
    rate = stats.analyzed / stats.seconds if stats.seconds else 0.0
    click.echo(f"{ledger.target.display}: {stats.stored} stored, {stats.replaced} re-analyzed, "
               f"{stats.skipped} already stored, {fail.count} failed "
               f"({stats.seconds:.1f} s, {rate:.1f} articles/s)")
    if fail.count:
        sys.exit(EXIT_SOME_FAILED)


def _ingest_batch_output(output: Path, db: str) -> None:
    """Store the reports a batch run already made, without analyzing again."""
    from .batch import iter_output_reports
    from .store import LedgerError

    ledger = _open_ledger(db, create=True)
    stored = skipped = 0
    fail = Failures()  # a damaged part is reported; the good parts are still stored
    try:
        for reports in iter_output_reports(output, on_error=fail):
            result = ledger.store(reports)
            stored += result.stored
            skipped += result.skipped
    except (FileNotFoundError, LedgerError) as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    finally:
        ledger.close()
    click.echo(f"{ledger.target.display}: {stored} stored, {skipped} already stored, {fail.count} failed "
               f"(from {output})")
    if fail.count:
        sys.exit(EXIT_SOME_FAILED)


@main.command()
@click.argument("query", nargs=-1)
@_db_option
@click.option("--in", "scope", type=click.Choice(["attributions", "articles"]), default="attributions",
              show_default=True, help="Search who-said-what (attributions) or whole articles.")
@click.option("--source", metavar="NAME", help="Source name or phrase contains NAME (any case).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), help="Kind of source.")
@click.option("--polarity", type=click.Choice(["affirm", "deny"]))
@click.option("--since", type=Published(), help="Published on or after this date.")
@click.option("--until", type=Published(), help="Published on or before this date.")
@click.option("--outlet", help="Outlet name (any case).")
@click.option("--finding", metavar="KIND", help="Only articles with a finding of this kind ("
              + ", ".join(FINDING_KINDS) + ").")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def search(query: tuple[str, ...], db: str, scope: str, source: str | None, kind: str | None,
           polarity: str | None, since: str | None, until: str | None, outlet: str | None,
           finding: str | None, fmt: str, limit: int) -> None:
    """Full-text search of the ledger (all words must match), narrowed by filters."""
    from .search import WORD, write_results
    from .store import LedgerError, SearchFilters

    text = " ".join(query)
    if text.strip() and not WORD.search(text):
        # FTS matches words; a query of punctuation alone would silently match everything.
        raise click.UsageError(f"the query {text!r} has no words to search for")
    if finding and finding not in FINDING_KINDS:
        # Imported reports may carry kinds of their own, so this is a hint, not a refusal.
        error_line(f"warning: --finding {finding!r} is not a kind the analyzer raises ({', '.join(FINDING_KINDS)})")
    filters = SearchFilters(source=source, kind=kind, polarity=polarity, since=since, until=until,
                            outlet=outlet, finding=finding)
    ledger = _open_ledger(db, read_only=True)
    try:
        rows = ledger.search(text, scope=scope, filters=filters, limit=limit)
    except LedgerError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    finally:
        ledger.close()
    write_results(rows, fmt, sys.stdout)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("--table", type=click.Choice(["articles", "entities", "mentions", "attributions", "no_comments",
                                            "quantities", "dates", "findings"]), default=None,
              help="One table's rows. Without it: jsonl gives the full reports; csv/parquet write every "
                   "table into --output DIRECTORY.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File (or directory, for all tables) to write instead of stdout.")
def export(db: str, fmt: str, table: str | None, output: Path | None) -> None:
    """Export the ledger: JSONL re-creates the exact reports; CSV and Parquet (for Spark, DuckDB) per table."""
    from .export import export_reports, export_table
    from .schema import TABLES
    from .store import LedgerError

    if fmt == "parquet" and output is None:
        error_line("parquet is binary: give --output FILE (or DIRECTORY without --table)")
        sys.exit(EXIT_USAGE)
    if table is None and fmt != "jsonl" and (output is None or output.is_file()):
        error_line(f"{fmt} holds one table: give --table NAME, or --output DIRECTORY for all tables")
        sys.exit(EXIT_USAGE)
    ledger = _open_ledger(db, read_only=True)
    try:
        if table is None and fmt != "jsonl":
            output.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            for name in TABLES:
                target = output / f"{name}.{fmt}"  # type: ignore[operator]
                if fmt == "parquet":
                    export_table(ledger, name, fmt, target)
                else:
                    with open(target, "w", encoding="utf-8", newline="") as fh:
                        export_table(ledger, name, fmt, fh)
        elif fmt == "parquet":
            export_table(ledger, table, fmt, output)  # type: ignore[arg-type]
        else:
            out = sys.stdout if output is None else open(output, "w", encoding="utf-8", newline="")
            try:
                if table is None:
                    export_reports(ledger, out)
                else:
                    export_table(ledger, table, fmt, out)
            finally:
                if out is not sys.stdout:
                    out.close()
    except LedgerError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    except BrokenPipeError:  # the reader (head, less) has had enough: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        error_line(f"{output or '<stdout>'}: cannot write ({exc.strerror or exc})")
        sys.exit(EXIT_SOME_FAILED)
    finally:
        ledger.close()


BATCH_ERRORS_SHOWN = 20


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.argument("output", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: a process pool on this machine; spark: pyspark mapInPandas (pip install '.[spark]').")
@click.option("--master", default=None, help="Spark master URL, e.g. local[2] or spark://host:7077 "
              "(default: local[*], or whatever spark-submit passes).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Local engine: worker processes (default: all cores; 0 = no pool).")
@click.option("--partitions", type=click.IntRange(min=1), default=16, show_default=True,
              help="Output buckets (hash of the article id); keep it the same across reruns.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse a single article larger than this (default 300000: memory grows with length).")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
def batch(input_path: str, output: Path, engine: str, master: str | None, workers: int | None, partitions: int,
          max_bytes: int | None, batch_size: int) -> None:
    """Analyze INPUT (JSONL, Parquet or a directory of articles) into the Parquet dataset OUTPUT.

    Articles that fail go to OUTPUT-errors with their id and reason (the first few are also said on
    stderr); they never stop the others. The exit code is 1 when no article succeeded."""
    from .batch import run_batch

    try:
        result = run_batch(engine, input_path, output, master=master, workers=workers, partitions=partitions,
                           max_bytes=max_bytes, batch_size=batch_size)
    except InputError as exc:
        error_line(str(exc))
        sys.exit(EXIT_USAGE)
    except ImportError as exc:
        error_line(f"--engine {engine} needs {exc.name}: pip install 'claimledger[spark]'")
        sys.exit(EXIT_USAGE)
    except ModelError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    if result.errors:
        from .batch import read_output

        # The reasons are in OUTPUT-errors; the first few go to stderr too, as every other command says them.
        failed = read_output(result.output, errors=True) if "://" not in str(result.output) else []
        for row in failed[:BATCH_ERRORS_SHOWN]:
            error_line(f"{row['origin']}: {row['reason']}")
        if len(failed) > BATCH_ERRORS_SHOWN:
            error_line(f"... and {len(failed) - BATCH_ERRORS_SHOWN} more in {result.errors_output}")
    click.echo(f"{result.reports} reports -> {result.output}; {result.errors} errors -> {result.errors_output}",
               err=True)
    if result.errors and not result.reports:
        sys.exit(EXIT_SOME_FAILED)  # nothing succeeded


@main.group()
def evaluate() -> None:
    """Score claimledger against gold data."""


@evaluate.command("attributions")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Score these reports (JSONL) instead of analyzing the gold texts.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the predicted reports here (JSONL).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate_attributions(gold: Path, predictions: Path | None, save: Path | None, as_json: bool) -> None:
    """Precision/recall/F1 for source, cue and content (exact and overlap) on a PolNeAR-format GOLD.jsonl."""
    from .evaluate import (format_table, gold_problem, load_jsonl, predict_attributions, prediction_problem,
                           score_attributions)

    fail = Failures()  # a bad row is reported and left out; the others are still scored
    try:
        gold_rows = load_jsonl(gold, gold_problem, fail)
        pred_rows = load_jsonl(predictions, prediction_problem, fail) if predictions else None
    except InputError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    if not gold_rows:
        error_line(f"{gold}: no gold articles to score")
        sys.exit(EXIT_SOME_FAILED)
    try:
        save_file = open(save, "w", encoding="utf-8") if save and pred_rows is None else None
    except OSError as exc:  # before the analysis, not after it
        error_line(f"{save}: cannot write ({exc.strerror or exc})")
        sys.exit(EXIT_USAGE)
    if pred_rows is None:
        pred_rows = predict_attributions(gold_rows)
        if save_file is not None:
            with save_file:
                for row in pred_rows:
                    save_file.write(json.dumps(row, ensure_ascii=False) + "\n")
    scores = score_attributions(gold_rows, pred_rows)
    click.echo(json.dumps(scores, indent=1) if as_json else format_table(scores))
    if fail.count:
        sys.exit(EXIT_SOME_FAILED)


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only claims with at least this many distinct sources.")
@click.option("--contested-only", is_flag=True, help="Only claims with sources on both sides.")
@click.option("--lexical", is_flag=True, help="Group by word overlap only (no embedding model).")
@click.option("--min-similarity", type=click.FloatRange(-1.0, 1.0), default=None,
              help="Stricter grouping: never group two attributions less alike than this (0.4-0.5 keeps "
                   "statements that merely share a topic apart; fewer false merges, more split claims).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def claims(db: str, fmt: str, min_sources: int, contested_only: bool, lexical: bool, min_similarity: float | None,
           output: Path | None) -> None:
    """The contested-claims board: who asserts what, who denies it, across the ledger."""
    from .claims import build_claims, format_text, to_html
    from .store import LedgerError

    if min_similarity is not None and min_similarity != min_similarity:
        raise click.BadParameter("not a number", param_hint="'--min-similarity'")

    ledger = _open_ledger(db, read_only=True)
    try:
        board = build_claims(ledger.reports(), min_sources=min_sources, contested_only=contested_only,
                             use_embeddings=not lexical, min_similarity=min_similarity)
    except LedgerError as exc:
        error_line(str(exc))
        sys.exit(EXIT_SOME_FAILED)
    finally:
        ledger.close()
    if fmt == "json":
        body = json.dumps([c.to_dict() for c in board], ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        body = to_html(board)
    else:
        body = format_text(board)
    if output is None:
        click.echo(body, nl=False)
        return
    try:
        output.write_text(body, encoding="utf-8")
    except OSError as exc:
        error_line(f"{output}: cannot write ({exc.strerror or exc})")
        sys.exit(EXIT_USAGE)  # as for analyze: a place we cannot write to is the caller's to fix


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback requires --auth-token.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option("--auth-token", envvar="CLAIMLEDGER_AUTH_TOKEN", default=None,
              help="Required on every request (Bearer header, or ?token= once) [env: CLAIMLEDGER_AUTH_TOKEN].")
@click.option("--max-upload-bytes", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Largest text or file the Analyze page accepts.")
@click.option("--read-only", is_flag=True, help="Serve without the Analyze page writing to the ledger.")
@click.option("--lexical", is_flag=True, help="Group claims by word overlap only (no embedding model).")
def serve(db: str, host: str, port: int, auth_token: str | None, max_upload_bytes: int, read_only: bool,
          lexical: bool) -> None:
    """The web UI: browse the ledger, read highlighted articles, see the contested claims."""
    from .store import LedgerError
    from .web.serve import ServeError, serve as run

    try:
        run(db, host, port, auth_token, max_upload_bytes=max_upload_bytes, read_only=read_only, lexical=lexical)
    except (ServeError, LedgerError) as exc:
        error_line(str(exc))
        sys.exit(EXIT_USAGE if isinstance(exc, ServeError) else EXIT_SOME_FAILED)
