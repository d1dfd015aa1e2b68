"""The web UI: `create_app(db)` gives an ASGI app (FastAPI) over one ledger; `claimledger serve` runs it.

Pages are rendered on the server (Jinja2, autoescaped) and readable without JavaScript; `static/app.js`
only adds conveniences. The JSON API under /api/ mirrors the pages and is described at /openapi.json.
Security: an optional token checked on every request (required by `serve` off loopback), a Host check
against DNS rebinding on loopback, an Origin check on every POST, a request-size limit, and a strict
Content-Security-Policy on top of escaping.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import os
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
import sqlalchemy as sa
from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..ingest import HTML_SUFFIXES, JSONL_SUFFIXES, TEXT_SUFFIXES, read_stream, read_text
from ..pipeline import ArticleInput, InputError
from ..report import SEVERITIES, SOURCE_KINDS, content_words
from ..store import Ledger, LedgerError, SearchFilters
from ..store import articles as articles_table
from . import queries
from .highlight import LAYERS, highlight, quantity_label, source_label

HERE = Path(__file__).parent
TOKEN_ENV = "CLAIMLEDGER_AUTH_TOKEN"
TOKEN_COOKIE = "claimledger_token"
DEFAULT_MAX_UPLOAD = 2_000_000
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'; connect-src 'self'")
PER_PAGE = 50
SOURCES_PER_PAGE = 100
CLAIM_ENTRIES_SHOWN = 12    # per side on the Claims page; the API gives them all


# ------------------------------------------------------------------------------------------- middleware

class _TooLarge(Exception):
    pass


class Guard:
    """Pure ASGI middleware: token, Host and Origin checks, security headers, and the body-size limit.

    Pure ASGI rather than BaseHTTPMiddleware so the size limit can stop a chunked upload mid-stream."""

    def __init__(self, app: ASGIApp, token: str | None, max_body: int) -> None:
        self.app, self.token, self.max_body = app, token, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if self.token and request.query_params.get("token"):
            # A link with ?token= logs the browser in (cookie) and drops the token from the address bar.
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            target = request.url.path + (f"?{query}" if query else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
            await _with_headers(response)(scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            await _too_large(request, int(length), self.max_body - FORM_OVERHEAD)(scope, receive, send)
            return
        received = 0
        started = overflow = False

        async def limited_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    overflow = True
                    raise _TooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if overflow:
                return   # whatever the app made of the cut-off body, the answer is 413 (sent below)
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            pass
        if overflow and not started:
            await _too_large(request, received, self.max_body - FORM_OVERHEAD)(scope, receive, send)

    def _refusal(self, request: Request) -> Response | None:
        if self.token:
            given = request.headers.get("authorization", "")
            given = given[7:] if given.lower().startswith("bearer ") else ""
            given = given or request.cookies.get(TOKEN_COOKIE, "") or request.query_params.get("token", "")
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return _refuse(request, 401, "an auth token is required (Authorization: Bearer TOKEN, "
                                             "or open the address with ?token=TOKEN once)")
        elif (request.url.hostname or "") not in LOOPBACK_HOSTS:
            # Served without a token on loopback: a page on another site that re-points its DNS name at
            # 127.0.0.1 must not get to read the ledger.
            return _refuse(request, 400, "unexpected Host header for a server bound to loopback")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin") or request.headers.get("referer")
            if origin and origin != "null":
                parts = urlsplit(origin)
                if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc):
                    return _refuse(request, 403, "cross-site request refused")
            elif origin == "null":
                return _refuse(request, 403, "cross-site request refused")
        return None


SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                    "x-frame-options": "DENY", "referrer-policy": "same-origin"}


def _with_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


def _refuse(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return _with_headers(JSONResponse({"detail": message}, status_code=status))
    return _with_headers(HTMLResponse(f"<!DOCTYPE html><title>{status}</title><p>{_html_escape(message)}</p>",
                                      status_code=status))


def _html_escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# A request may exceed the upload limit by the form's own fields and multipart boundaries; the
# message names the limit the user set, not this allowance.
FORM_OVERHEAD = 64_000


def human_size(n: int) -> str:
    if n < 10_000:
        return f"{n:,} bytes"
    return f"{n / 1e3:.1f} KB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


def _too_large(request: Request, size: int, limit: int) -> Response:
    return _refuse(request, 413, f"the request is {'over ' if size > limit else ''}{human_size(size)}, over "
                                 f"the upload limit of {human_size(limit)}")


# ---------------------------------------------------------------------------------------------- params

def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "off", "no")


@dataclass
class ArticleParams:
    q: str = ""
    outlet: str = ""
    since: str = ""
    until: str = ""
    source: str = ""
    kind: str = ""
    finding: str = ""
    contested: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def filters(self) -> SearchFilters:
        try:
            since = queries.parse_day(self.since, "since")
            until = queries.parse_day(self.until, "until")
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        return SearchFilters(source=self.source or None, kind=self.kind or None, since=since, until=until,
                             outlet=self.outlet or None, finding=self.finding or None)

    def link(self, **change: Any) -> str:
        """This query with some parameters changed, for pagination links."""
        values = {**self.__dict__, **change}
        pairs = [(k, ("1" if v else "") if isinstance(v, bool) else str(v)) for k, v in values.items()]
        return "?" + urlencode([(k, v) for k, v in pairs if v and not (k == "page" and v == "1")
                                and not (k == "per_page" and v == str(PER_PAGE))])


def article_params(q: str = Query("", max_length=500, description="Full-text search: every word must match"),
                   outlet: str = Query("", max_length=200), since: str = Query("", description="YYYY-MM-DD"),
                   until: str = Query("", description="YYYY-MM-DD"),
                   source: str = Query("", max_length=200, description="Quoted source's name contains this"),
                   kind: str = Query("", description="Kind of a quoted source"),
                   finding: str = Query("", max_length=100, description="Has a finding of this kind"),
                   contested: str = Query("", description="Only articles with a contested claim (1)"),
                   page: int = Query(1, ge=1, le=100_000), per_page: int = Query(PER_PAGE, ge=1, le=200)
                   ) -> ArticleParams:
    return ArticleParams(q.strip(), outlet.strip(), since.strip(), until.strip(), source.strip(), kind.strip(),
                         finding.strip(), _flag(contested), page, per_page)


class AnalyzeIn(BaseModel):
    text: str = Field(..., description="The article text")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="YYYY-MM-DD")


# ------------------------------------------------------------------------------------------------- app

class Web:
    """What the routes share: the ledger, the templates, the cached claims board."""

    def __init__(self, ledger: Ledger, use_embeddings: bool, max_upload: int) -> None:
        self.ledger = ledger
        self.use_embeddings = use_embeddings
        self.max_upload = max_upload
        self._claims: tuple[Any, list[Any]] | None = None
        self._claims_lock = threading.Lock()
        self._analyze_lock = threading.Lock()
        self.warming: threading.Thread | None = None
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                 trim_blocks=True, lstrip_blocks=True)
        env.filters["web_url"] = web_url
        env.filters["quantity"] = quantity_label
        env.filters["who"] = source_label
        env.filters["said"] = content_words
        env.filters["finding_kind"] = lambda kind: str(kind).replace("_", " ")  # "conversion mismatch"
        # A content that opens with its own quotation mark is shown without the browser's <q> marks.
        env.tests["quoted"] = lambda text: str(text or "").lstrip()[:1] in "\"“‘'"
        env.globals.update(version=__version__, human_size=human_size, layers=LAYERS, severities=SEVERITIES, source_kinds=SOURCE_KINDS,
                           path_quote=path_quote)
        self.templates = Jinja2Templates(env=env)

    def claims(self) -> list[Any]:
        """The claims board over the whole ledger, rebuilt only when the ledger changed."""
        from ..claims import build_claims

        version = queries.ledger_version(self.ledger)
        with self._claims_lock:
            if self._claims is None or self._claims[0] != version:
                board = build_claims(self.ledger.reports(), use_embeddings=self.use_embeddings)
                self._claims = (version, board)
            return self._claims[1]

    def warm(self) -> None:
        try:
            self.claims()
        except Exception:  # noqa: BLE001 - the page that needs the board reports the problem itself
            return

    def warm_in_background(self) -> threading.Thread:
        """Start rebuilding the board now, so that the next visit to Claims does not wait for it."""
        thread = threading.Thread(target=self.warm, name="claims-board", daemon=True)
        thread.start()
        self.warming = thread
        return thread

    def contested_articles(self) -> set[str]:
        return {e.article_id for c in self.claims() if c.status == "contested" for e in c.entries}

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, template, {"nav": template.split(".")[0], **context},
                                               status_code=status)


def pager(**params: str) -> Callable[[int], str]:
    """Links to the other pages of one listing: its non-empty parameters, and the page number."""
    def link(n: int) -> str:
        pairs = {**params, "page": str(n) if n > 1 else ""}
        return "?" + urlencode([(k, v) for k, v in pairs.items() if v])
    return link


def web_url(value: Any) -> str | None:
    """An article's URL when it is safe to link (http/https only: no javascript:, data:, file:)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def path_quote(value: Any) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def create_app(db: str, auth_token: str | None = None, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
               use_embeddings: bool = True, read_only: bool = False) -> FastAPI:
    """The web app over the ledger `db` (SQLite file or postgresql:// URL).

    `auth_token` (else $CLAIMLEDGER_AUTH_TOKEN) is then required on every request. `read_only` serves
    without the Analyze page writing anything; otherwise a missing SQLite ledger is created."""
    token = auth_token or os.environ.get(TOKEN_ENV) or None
    ledger = Ledger.open(db, create=not read_only, read_only=read_only)
    web = Web(ledger, use_embeddings, max_upload_bytes)
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The claims board spans the whole ledger and takes seconds on a large one: start building it
        # now, so the first visit to Claims (or the "contested" filter) finds it ready or nearly so.
        web.warm_in_background()
        yield
        ledger.close()

    app = FastAPI(title="claimledger", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Who said what, how much, and does it add up: the ledger's pages as JSON.")
    app.state.web = web
    app.state.ledger = ledger
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # Multipart overhead on top of the article itself.
    app.add_middleware(Guard, token=token, max_body=max_upload_bytes + FORM_OVERHEAD)
    _add_error_handlers(app, web)
    _add_pages(app, web, read_only)
    _add_api(app, web, read_only)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _add_error_handlers(app: FastAPI, web: Web) -> None:
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return web.page(request, "error.html", status=exc.status_code, message=str(exc.detail),
                        status_code=exc.status_code)

    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
                             for e in exc.errors())
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return web.page(request, "error.html", status=422, message=problems, status_code=422)

    async def ledger_error(request: Request, exc: LedgerError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return web.page(request, "error.html", status=503, message=str(exc), status_code=503)

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(LedgerError, ledger_error)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------- shared views

def _articles(web: Web, p: ArticleParams) -> queries.Page:
    only = web.contested_articles() if p.contested else None
    return queries.article_page(web.ledger, p.q, p.filters(), p.page, p.per_page, only)


def _report(web: Web, report_id: str) -> dict[str, Any]:
    report = queries.report_by_id(web.ledger, report_id)
    if report is None:
        raise HTTPException(404, f"no article {report_id!r} in this ledger")
    return report


def _claims(web: Web, contested_only: bool, min_sources: int) -> list[dict[str, Any]]:
    return [c.to_dict() for c in web.claims()
            if len(c.sources) >= min_sources and (c.status == "contested" or not contested_only)]


def _findings(web: Web, kind: str, severity: str, page: int, per_page: int) -> queries.Page:
    if severity and severity not in SEVERITIES:
        raise HTTPException(400, f"severity must be one of {', '.join(SEVERITIES)}")
    return queries.findings_page(web.ledger, kind or None, severity or None, page, per_page)


def _sources(web: Web, kind: str, page: int, per_page: int) -> dict[str, Any]:
    """Named sources a page at a time (most quoted first); the anonymous phrases' top `per_page` with totals."""
    if kind and kind not in SOURCE_KINDS:
        raise HTTPException(400, f"kind must be one of {', '.join(SOURCE_KINDS)}")
    data = queries.sources(web.ledger, kind or None)
    named = queries.Page(data["named"][(page - 1) * per_page:page * per_page], len(data["named"]), page, per_page)
    anonymous = data["anonymous"]
    return {"named": named.to_dict(), "anonymous": {"phrases": len(anonymous),
                                                    "quotes": sum(a["quotes"] for a in anonymous),
                                                    "items": anonymous[:per_page]}}


# ----------------------------------------------------------------------------------------------- analyze

@dataclass
class Analyzed:
    stored: list[dict[str, Any]]      # {id, title, new}
    problems: list[str]


UPLOAD_KINDS = {**{s: "text" for s in TEXT_SUFFIXES if s}, **{s: "html" for s in HTML_SUFFIXES},
                **{s: "jsonl" for s in JSONL_SUFFIXES}}


def _analyze(web: Web, inputs: list[ArticleInput], problems: list[str]) -> Analyzed:
    """Analyze and store; one article failing never loses the others."""
    from ..pipeline import analyze_many

    def on_error(article: ArticleInput, exc: Exception) -> None:
        problems.append(f"{exc.origin}: {exc.message}" if isinstance(exc, InputError)
                        else f"{article.origin}: analysis failed ({type(exc).__name__})")

    with web._analyze_lock:   # one analysis at a time: the machine's cores are shared
        reports = list(analyze_many(inputs, on_error=on_error))
        result = web.ledger.store(reports) if reports else None
    stored = []
    with web.ledger.engine.connect() as conn:
        for r in reports:
            row = conn.execute(sa.select(articles_table.c.report_id, articles_table.c.title)
                               .where(articles_table.c.sha256 == r.article.sha256)).first()
            if row is not None:
                stored.append({"id": row.report_id, "title": row.title})
    if result is not None and result.skipped:
        problems.append(f"{result.skipped} already in the ledger (shown as stored before)")
    if result is not None and result.skipped < len(reports):
        web.warm_in_background()  # the ledger changed: the board a visit to Claims needs is stale
    return Analyzed(stored, problems)


def _inputs_from_text(text: str, title: str | None, outlet: str | None, url: str | None,
                      published: str | None, limit: int) -> list[ArticleInput]:
    data = text.encode("utf-8")
    if len(data) > limit:
        raise HTTPException(413, f"the text is {human_size(len(data))}, over the limit of {human_size(limit)}")
    try:
        article = read_text(data, "pasted text", published or None)
    except InputError as exc:
        raise HTTPException(400, exc.message) from None
    article.title, article.outlet, article.url = title or article.title, outlet or None, url or None
    return [article]


def _inputs_from_file(name: str, data: bytes, published: str | None, limit: int,
                      problems: list[str]) -> list[ArticleInput]:
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_KINDS:
        raise HTTPException(400, f"{name}: upload a .txt, .html or .jsonl file")
    if len(data) > limit:
        raise HTTPException(413, f"{name} is {human_size(len(data))}, over the upload limit of "
                                 f"{human_size(limit)}")
    out: list[ArticleInput] = []
    try:
        for item in read_stream(io.BytesIO(data), name, UPLOAD_KINDS[suffix], published or None, limit):
            if isinstance(item, ArticleInput):
                out.append(item)
            else:
                problems.append(str(item))
    except InputError as exc:
        raise HTTPException(400, exc.message) from None
    return out


# -------------------------------------------------------------------------------------------------- pages

def _add_pages(app: FastAPI, web: Web, read_only: bool) -> None:
    @app.get("/", include_in_schema=False)
    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, p: ArticleParams = Depends(article_params)) -> HTMLResponse:
        page = _articles(web, p)
        return web.page(request, "articles.html", p=p, result=page, outlets=queries.outlets(web.ledger),
                        finding_kinds=queries.finding_kinds(web.ledger), total_articles=web.ledger.count(),
                        link=lambda n: p.link(page=n))

    @app.get("/articles/{report_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, report_id: str, focus: str = Query("", max_length=200),
                     notice: str = Query("", max_length=20)) -> HTMLResponse:
        report = _report(web, report_id)
        focused = {f for f in focus.split(",") if f}
        atts = {a["id"]: a for a in report.get("attributions") or []}
        return web.page(request, "article.html", report=report, a=report["article"],
                        text_html=highlight(report, focused), focus=focused, attributions=atts,
                        already=notice == "already")

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page(request: Request, kind: str = "", page: int = Query(1, ge=1, le=100_000)) -> HTMLResponse:
        data = _sources(web, kind, page, SOURCES_PER_PAGE)
        named = data["named"]
        result = queries.Page(named["items"], named["total"], page, SOURCES_PER_PAGE)
        return web.page(request, "sources.html", data=data, result=result, kind=kind, link=pager(kind=kind))

    @app.get("/sources/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, name: str) -> HTMLResponse:
        rows = queries.source_attributions(web.ledger, name)
        if not rows:
            raise HTTPException(404, f"no source {name!r} in this ledger")
        return web.page(request, "source.html", name=name, rows=rows)

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request, contested: str = "", min_sources: int = Query(1, ge=1, le=1000),
                    page: int = Query(1, ge=1, le=100_000)) -> HTMLResponse:
        board = _claims(web, _flag(contested), min_sources)
        result = queries.Page(board[(page - 1) * PER_PAGE:page * PER_PAGE], len(board), page, PER_PAGE)
        link = pager(contested="1" if _flag(contested) else "", min_sources=str(min_sources))
        return web.page(request, "claims.html", result=result, contested=_flag(contested),
                        min_sources=min_sources, link=link, shown=CLAIM_ENTRIES_SHOWN)

    @app.get("/findings", response_class=HTMLResponse, include_in_schema=False)
    def findings_page(request: Request, kind: str = "", severity: str = "",
                      page: int = Query(1, ge=1, le=100_000)) -> HTMLResponse:
        result = _findings(web, kind, severity, page, PER_PAGE)
        return web.page(request, "findings.html", result=result, kind=kind, severity=severity,
                        kinds=queries.finding_kinds(web.ledger), link=pager(kind=kind, severity=severity))

    @app.get("/analyze", response_class=HTMLResponse, include_in_schema=False)
    def analyze_form(request: Request) -> HTMLResponse:
        return web.page(request, "analyze.html", read_only=read_only, limit=web.max_upload, done=None)

    @app.post("/analyze", response_class=HTMLResponse, include_in_schema=False)
    async def analyze_post(request: Request) -> Response:
        if read_only:
            raise HTTPException(403, "this ledger is served read-only")
        form = await request.form(max_files=1, max_fields=10, max_part_size=web.max_upload + 64_000)

        def field(key: str) -> str:
            return str(form.get(key) or "").strip()

        problems: list[str] = []
        # What the user typed comes back with any problem, so a refused paste is not lost.
        typed = {key: str(form.get(key) or "") for key in ("title", "outlet", "url", "published", "text")}
        upload = form.get("file")
        try:
            if upload is not None and not isinstance(upload, str) and upload.filename:
                data = await upload.read(web.max_upload + 1)
                inputs = _inputs_from_file(upload.filename, data, field("published"), web.max_upload, problems)
            elif field("text"):
                inputs = _inputs_from_text(str(form.get("text")), field("title"), field("outlet"), field("url"),
                                           field("published"), web.max_upload)
            else:
                raise HTTPException(400, "paste a text or choose a file to analyze")
        except HTTPException as exc:
            return web.page(request, "analyze.html", read_only=read_only, limit=web.max_upload,
                            done=Analyzed([], [str(exc.detail)]), typed=typed, status=exc.status_code)
        done = await run_in_threadpool(_analyze, web, inputs, problems)
        if len(done.stored) == 1 and not [p for p in done.problems if "already" not in p]:
            again = "?notice=already" if done.problems else ""
            return RedirectResponse(f"/articles/{path_quote(done.stored[0]['id'])}{again}", status_code=303)
        return web.page(request, "analyze.html", read_only=read_only, limit=web.max_upload, done=done,
                        typed=typed if not done.stored else {}, status=200 if done.stored else 400)


# ---------------------------------------------------------------------------------------------------- api

def _add_api(app: FastAPI, web: Web, read_only: bool) -> None:
    @app.get("/api/articles", tags=["articles"], summary="Articles: full-text search, filters, counts")
    def api_articles(p: ArticleParams = Depends(article_params)) -> dict[str, Any]:
        return _articles(web, p).to_dict()

    @app.get("/api/articles/{report_id:path}", tags=["articles"],
             summary="One article's full claimledger.report/1 JSON report")
    def api_article(report_id: str) -> dict[str, Any]:
        return _report(web, report_id)

    @app.get("/api/sources", tags=["sources"],
             summary="Sources merged by resolved name, with kind and counts; anonymous sources apart")
    def api_sources(kind: str = Query("", description="Only sources of this kind"),
                    page: int = Query(1, ge=1, le=100_000),
                    per_page: int = Query(SOURCES_PER_PAGE, ge=1, le=1000)) -> dict[str, Any]:
        return _sources(web, kind, page, per_page)

    @app.get("/api/sources/{name:path}", tags=["sources"], summary="What one source said")
    def api_source(name: str) -> dict[str, Any]:
        return {"name": name, "attributions": queries.source_attributions(web.ledger, name)}

    @app.get("/api/claims", tags=["claims"], summary="The contested-claims board with both sides")
    def api_claims(contested: str = Query("", description="Only contested claims (1)"),
                   min_sources: int = Query(1, ge=1, le=1000), page: int = Query(1, ge=1, le=100_000),
                   per_page: int = Query(PER_PAGE, ge=1, le=500)) -> dict[str, Any]:
        board = _claims(web, _flag(contested), min_sources)
        return queries.Page(board[(page - 1) * per_page:page * per_page], len(board), page, per_page).to_dict()

    @app.get("/api/findings", tags=["findings"], summary="Consistency findings across the ledger")
    def api_findings(kind: str = "", severity: str = "", page: int = Query(1, ge=1, le=100_000),
                     per_page: int = Query(PER_PAGE, ge=1, le=200)) -> dict[str, Any]:
        return _findings(web, kind, severity, page, per_page).to_dict()

    @app.post("/api/analyze", tags=["analyze"], summary="Analyze one article text, store it, return its report")
    def api_analyze(body: AnalyzeIn = Body(...)) -> JSONResponse:
        if read_only:
            raise HTTPException(403, "this ledger is served read-only")
        problems: list[str] = []
        inputs = _inputs_from_text(body.text, body.title, body.outlet, body.url, body.published, web.max_upload)
        done = _analyze(web, inputs, problems)
        if not done.stored:
            raise HTTPException(400, "; ".join(problems) or "nothing analyzed")
        return JSONResponse({"stored": done.stored, "problems": done.problems,
                             "report": _report(web, done.stored[0]["id"])})
