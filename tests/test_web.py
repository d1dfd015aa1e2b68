"""The web UI through its ASGI interface (Starlette's TestClient): every page and API route, escaping of
hostile article text and fields, the auth token, Host and Origin checks, the upload limit, and that no GET
changes the ledger. Reports are hand-written (claimledger.web.sample); only the Analyze tests run the
analyzer. The real-browser tests are in test_web_browser.py."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from claimledger.cli import main  # noqa: E402
from claimledger.store import Ledger  # noqa: E402
from claimledger.web import create_app  # noqa: E402
from claimledger.web import queries  # noqa: E402
from claimledger.web.highlight import highlight  # noqa: E402
from claimledger.web.sample import HOSTILE_TEXT, demo_reports  # noqa: E402
from claimledger.web.serve import ServeError, is_loopback, resolve_token  # noqa: E402

TOKEN = "s3cret-token-for-tests-0123456789"
EVIL_ID = 'evil"><script>window.__pwned=7</script>'


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "ledger.db"
    with Ledger.open(str(path), create=True) as ledger:
        ledger.store(demo_reports())
    return str(path)


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db, use_embeddings=False)) as c:
        yield c


@pytest.fixture
def fresh_db(tmp_path):
    path = tmp_path / "fresh.db"
    with Ledger.open(str(path), create=True) as ledger:
        ledger.store(demo_reports())
    return str(path)


def count(db: str) -> int:
    with Ledger.open(db, read_only=True) as ledger:
        return ledger.count()


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def without_markers(html: str) -> str:
    """The page without the finding markers (E/W/I) that highlight() inserts after the evidence."""
    return re.sub(r'<a class="fmark [^>]*>[EWI]</a>', "", html)


def assert_inert(html: str) -> None:
    """No element from article data: no inline script, no event handler, no javascript: link."""
    tags = Tags(html)
    scripts = [a for t, a in tags.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}], scripts
    assert not [t for t, _ in tags.tags if t in ("img", "svg", "iframe", "object")]
    assert "<b>odd</b>" not in html and "<i>Outlet</i>" not in html
    for tag, attrs in tags.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action"):
            assert not (attrs.get(key) or "").strip().lower().startswith(("javascript:", "data:")), (tag, attrs)
    assert "49" not in "".join(tags.text)          # {{ 7*7 }} was never evaluated


# ------------------------------------------------------------------------------------------------ pages

def test_articles_page_lists_every_article_with_counts(client):
    r = client.get("/articles")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "4 of 4 articles" in r.text
    rows = Tags(r.text)
    links = [a["href"] for t, a in rows.tags if t == "a" and a.get("class") == "article-link"]
    assert f"/articles/{quote(EVIL_ID, safe='')}" in links and "/articles/lorvik-1" in links
    # Newest first; the bridge article has 3 attributions, 1 quantity, 0 findings.
    assert links[0] == "/articles/lorvik-2"
    assert '<td class="num">3</td><td class="num">1</td><td class="num">0</td>' in r.text
    assert client.get("/").text == r.text


def test_articles_search_and_filters(client):
    def ids(**params):
        body = client.get("/api/articles", params=params).json()
        return [item["article"] for item in body["items"]]

    assert set(ids(q="Lorvik bridge")) == {"lorvik-1", "lorvik-2"}
    assert ids(q="harbours") == ["harbour"]                       # stemmed
    assert ids(outlet="north courier") == ["lorvik-1", "harbour"]
    assert ids(since="2025-05-03", until="2025-05-05") == [EVIL_ID]
    assert ids(source="Mira Tann") == ["lorvik-2", "lorvik-1"]
    assert ids(finding="changed_figure") == ["harbour"]
    assert set(ids(contested="1")) == {"lorvik-1", "lorvik-2"}
    # User text never becomes FTS or SQL syntax.
    for hostile in ['"', "NEAR(a b)", "bridge*", "x' OR 1=1 --", "AND OR NOT", "^", "{{ 7*7 }}"]:
        assert client.get("/api/articles", params={"q": hostile}).status_code == 200
    page = client.get("/articles", params={"q": "Lorvik", "outlet": "North Courier"})
    assert page.status_code == 200 and "1 of 4 articles" in page.text and 'value="Lorvik"' in page.text


def test_articles_pagination(client):
    body = client.get("/api/articles", params={"per_page": 2, "page": 2}).json()
    assert (body["total"], body["pages"], body["page"]) == (4, 2, 2)
    assert [i["article"] for i in body["items"]] == ["lorvik-1", "harbour"]
    page = client.get("/articles", params={"per_page": 2})
    assert 'rel="next" href="?per_page=2&amp;page=2"' in page.text or 'href="?page=2&amp;per_page=2"' in page.text


def test_bad_filter_values_give_a_readable_error(client):
    r = client.get("/articles", params={"since": "last tuesday"}, headers={"accept": "text/html"})
    assert r.status_code == 400 and "expected a date as YYYY-MM-DD" in r.text and "<h1>Error 400</h1>" in r.text
    assert client.get("/api/articles", params={"since": "2025-13-01"}).json()["detail"].startswith("since:")
    assert client.get("/api/articles", params={"page": "0"}).status_code == 422
    assert client.get("/findings", params={"severity": "fatal"}).status_code == 400


def test_article_page_highlights_every_layer(client):
    r = client.get("/articles/harbour")
    assert r.status_code == 200
    html = r.text
    # Source, cue, content (a link to its side-panel entry), quantity with its normalized value,
    # date with its resolved value, finding with severity, message and suggestion at hand.
    assert 'class="hl l-source" title="a1 source: Ana Pol (person)"' in html
    assert 'class="hl l-cue"' in html
    assert '<a href="#att-a1" class="hl l-content"' in html and 'id="t-a1"' in html
    assert "quantity: 12,000,000 EUR" in html and "date: 2026-03" in html
    assert "l-finding sev-warning" in html and 'class="fmark sev-warning" href="#find-f1"' in html
    assert "The cost changed from 9 to 12 million euros. — suggestion: Say why the estimate rose." in html
    panel = html[html.index('<aside'):]
    assert 'id="att-a1"' in panel and "Ana Pol" in panel and "Mayor Ana Pol" in panel
    assert 'id="find-f1"' in panel and "Suggestion: Say why the estimate rose." in panel
    assert "12,000,000 EUR" in panel and "= 2026-03" in panel and "= 2024" in panel
    assert 'class="legend"' in html and '<a href="/api/articles/harbour">JSON report</a>' in html
    assert '<a href="https://example.org/lorvik-1" rel="noopener noreferrer nofollow">' in \
        client.get("/articles/lorvik-1").text


def test_article_focus_marks_the_evidence(client):
    html = client.get("/articles/lorvik-1", params={"focus": "a2"}).text
    assert 'class="att focus deny"' in html
    focused = [a for t, a in Tags(html).tags if "focus" in (a.get("class") or "").split() and "hl" in
               (a.get("class") or "").split()]
    assert focused and all("a2" in a["data-att"].split() for a in focused)


def test_article_not_found(client):
    r = client.get("/articles/no-such-id", headers={"accept": "text/html"})
    assert r.status_code == 404 and "no article" in r.text
    assert client.get("/api/articles/no-such-id").status_code == 404


def test_sources_page_merges_names_and_counts_anonymous_apart(client):
    data = client.get("/api/sources").json()
    named = {s["name"]: s for s in data["named"]["items"]}
    # "General Mira Tann" and "Mira Tann" resolve to the same name: one source, quoted twice, 2 articles.
    assert (named["Mira Tann"]["quotes"], named["Mira Tann"]["articles"], named["Mira Tann"]["kind"]) == (2, 2, "person")
    assert named["Ana Pol"]["quotes"] == 2 and named["Ana Pol"]["articles"] == 1
    assert {a["phrase"] for a in data["anonymous"]["items"]} == {"A senior engineer", "A spokesperson"}
    assert (data["anonymous"]["phrases"], data["anonymous"]["quotes"]) == (2, 2)
    assert not {"A senior engineer", "A spokesperson"} & set(named)
    html = client.get("/sources").text
    assert '<a href="/sources/Mira%20Tann">Mira Tann</a>' in html and "Anonymous sources (2 phrases, 2 quotes)" in html
    assert client.get("/api/sources", params={"kind": "anonymous"}).json()["named"]["items"] == []
    assert [s["name"] for s in client.get("/api/sources", params={"kind": "group"}).json()["named"]["items"]] == \
        ["Officials"]
    two = client.get("/api/sources", params={"per_page": 2, "page": 2}).json()["named"]
    assert two["page"] == 2 and len(two["items"]) == 2 and two["total"] > 2


def test_source_page_lists_attributions_with_links(client):
    html = client.get("/sources/mira%20tann").text
    assert "2 attributions" in html and 'href="/articles/lorvik-1?focus=a2#t-a2"' in html
    assert len(client.get("/api/sources/Mira Tann").json()["attributions"]) == 2
    assert client.get("/sources/Nobody").status_code == 404


def test_claims_board_shows_both_sides_with_evidence_links(client):
    board = client.get("/api/claims").json()
    assert board["total"] == len(board["items"]) >= 3
    top = board["items"][0]
    assert top["status"] == "contested" and top["proposition"] == "Saboteurs damaged the Lorvik bridge."
    assert {e["source"] for e in top["asserts"]} == {"Officials"}
    assert {e["source"] for e in top["denies"]} == {"Mira Tann", "A senior engineer"}
    html = client.get("/claims").text
    assert 'href="/articles/lorvik-1?focus=a2#t-a2"' in html and 'href="/articles/lorvik-2?focus=a1#t-a1"' in html
    assert "<h3>Asserts (1)</h3>" in html and "<h3>Denies (2)</h3>" in html
    # why each denial is a denial, as the JSON gives it
    reasons = [r for e in top["denies"] for r in e["reasons"]]
    assert reasons and all(escape(f"why: {'; '.join(e['reasons'])}") in html.replace("&#39;", "&#x27;")
                           for e in top["denies"] if e["reasons"])
    assert top["opposed"] is True and "one source on both sides" not in html.split("</h2>")[0]
    only = client.get("/api/claims", params={"contested": "1"}).json()
    assert [c["status"] for c in only["items"]] == ["contested"]
    assert len(client.get("/api/claims", params={"per_page": 1, "page": 2}).json()["items"]) == 1
    assert client.get("/claims", params={"contested": "1"}).text.count('class="claim ') == 1


def test_a_refused_paste_comes_back_filled_in_and_a_repeat_says_it_was_stored_before(fresh_db):
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        r = c.post("/analyze", data={"title": "My <draft>", "published": "2025-13-45", "text": "Ann Lee said it rained."})
        assert r.status_code == 400 and "bad publication date" in r.text
        assert 'value="My &lt;draft&gt;"' in r.text and ">Ann Lee said it rained.</textarea>" in r.text
        r = c.post("/analyze", data={"text": "   "})
        assert r.status_code == 400 and "paste a text or choose a file" in r.text and "<textarea" in r.text
        first = c.post("/analyze", data={"text": "Ann Lee said that it rained in Lorvik all week."})
        again = c.post("/analyze", data={"text": "Ann Lee said that it rained in Lorvik all week.", "title": "New"})
        assert first.url.path == again.url.path and "already in the ledger" in again.text
        assert "already in the ledger" not in first.text


def test_pages_past_the_last_and_an_empty_ledger_say_so(client, tmp_path):
    past = client.get("/claims", params={"page": 99}).text
    assert "No claims on page 99" in past and "No claims yet" not in past
    assert "No articles on page 99" in client.get("/articles", params={"page": 99}).text
    empty = tmp_path / "empty.db"
    Ledger.open(str(empty), create=True).close()
    with TestClient(create_app(str(empty), use_embeddings=False)) as c:
        assert "The ledger is empty" in c.get("/articles").text
        assert "No claims yet" in c.get("/claims").text and 'href="/analyze"' in c.get("/claims").text


def test_findings_page_filters_by_kind_and_severity(client):
    body = client.get("/api/findings").json()
    assert body["total"] == 3 and [f["severity"] for f in body["items"]] == ["error", "warning", "info"]
    assert [f["article"] for f in client.get("/api/findings", params={"severity": "warning"}).json()["items"]] == \
        ["harbour"]
    assert client.get("/api/findings", params={"kind": "unsupported_total"}).json()["total"] == 1
    html = client.get("/findings", params={"kind": "changed_figure"}).text
    assert "1 finding" in html and 'href="/articles/harbour?focus=f1#find-f1"' in html
    assert "Suggestion: Say why the estimate rose." in html


def test_analyze_form_and_openapi(client):
    html = client.get("/analyze").text
    assert 'method="post"' in html and 'enctype="multipart/form-data"' in html and "at most 2.0 MB" in html
    schema = client.get("/openapi.json").json()
    assert {"/api/articles", "/api/articles/{report_id}", "/api/sources", "/api/claims", "/api/findings",
            "/api/analyze"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/analyze"] and "get" not in schema["paths"]["/api/analyze"]
    assert not [p for p in schema["paths"] if not p.startswith("/api/")]   # the API, not the pages


def test_api_article_is_the_stored_report(client, db):
    with Ledger.open(db, read_only=True) as ledger:
        stored = next(r for r in ledger.reports() if r["article"]["id"] == "harbour")
    assert client.get("/api/articles/harbour").json() == json.loads(json.dumps(stored))


def test_static_assets_and_security_headers(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "#0072B2" in r.text     # Okabe–Ito
    assert client.get("/static/app.js").status_code == 200
    headers = client.get("/articles").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


# --------------------------------------------------------------------------------------------- security

HOSTILE_PAGES = ["/articles", "/articles?q=budget", f"/articles/{quote(EVIL_ID, safe='')}",
                 f"/articles/{quote(EVIL_ID, safe='')}?focus=a1", "/sources",
                 "/sources/" + quote('Rae <img src=x onerror="window.__pwned = 4"> Idris', safe=""),
                 "/claims", "/findings", "/findings?kind=%3Cb%3Eodd%3C%2Fb%3E",
                 "/articles?q=%3Cscript%3E&source=%3Cimg%20onerror%3D1%3E"]


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_hostile_text_and_fields_are_escaped_everywhere(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert_inert(r.text)
    assert "window.__pwned" not in r.text or "&lt;" in r.text


def test_hostile_article_shows_its_text_literally(client):
    html = client.get(f"/articles/{quote(EVIL_ID, safe='')}").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% if 1 %}works{% endif %}" in html
    assert 'onerror=&#34;window.__pwned = 2&#34;' in html or "onerror=&quot;window.__pwned = 2&quot;" in html
    # The javascript: URL of the article is shown as text, never linked.
    assert '<span class="url">javascript:window.__pwned = 9</span>' in html
    text = "".join(Tags(without_markers(html)).text)
    assert HOSTILE_TEXT in text                              # every character of the text, none as markup


def test_highlight_escapes_text_and_attributes():
    report = demo_reports()[-1]
    html = str(highlight(report, {"a1"}))
    assert "<script" not in html and "<img" not in html and 'onerror="' not in html
    assert "".join(Tags(without_markers(html)).text) == report["text"]


def test_token_required_on_every_request(fresh_db):
    with TestClient(create_app(fresh_db, TOKEN, use_embeddings=False)) as c:
        for url in ["/", "/articles/harbour", "/api/articles", "/api/claims", "/static/style.css", "/openapi.json",
                    "/sources", "/claims", "/findings", "/analyze"]:
            assert c.get(url).status_code == 401, url
            assert c.get(url, headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
            assert c.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200, url
        assert c.post("/analyze", data={"text": "Ann Lee said that it rained."}).status_code == 401
        assert c.post("/api/analyze", json={"text": "Ann Lee said that it rained."}).status_code == 401
        assert "auth token is required" in c.get("/", headers={"accept": "text/html"}).text
        # ?token= once: a cookie, and the token leaves the address bar.
        r = c.get(f"/articles?q=bridge&token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/articles?q=bridge"
        assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
        assert c.get("/articles").status_code == 200            # the cookie now authenticates
    assert count(fresh_db) == 4


def test_token_from_environment(fresh_db, monkeypatch):
    monkeypatch.setenv("CLAIMLEDGER_AUTH_TOKEN", TOKEN)
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        assert c.get("/api/articles").status_code == 401
        assert c.get("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_serve_refuses_other_hosts_without_token(fresh_db, monkeypatch):
    monkeypatch.delenv("CLAIMLEDGER_AUTH_TOKEN", raising=False)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")
    assert resolve_token("127.0.0.1", None) is None
    with pytest.raises(ServeError, match="--auth-token"):
        resolve_token("0.0.0.0", None)
    with pytest.raises(ServeError, match="at least 16"):
        resolve_token("0.0.0.0", "short")
    assert resolve_token("0.0.0.0", TOKEN) == TOKEN
    result = CliRunner().invoke(main, ["serve", "--db", fresh_db, "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--auth-token" in result.output


def test_loopback_server_refuses_foreign_host_header(client):
    # DNS rebinding: evil.example pointed at 127.0.0.1 must not read the ledger.
    assert client.get("/api/articles", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/api/articles", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_cross_site_post_is_refused(fresh_db):
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        r = c.post("/analyze", data={"text": "Ann Lee said that it rained in Lorvik."},
                   headers={"origin": "http://evil.example"})
        assert r.status_code == 403
        r = c.post("/api/analyze", json={"text": "Ann Lee said that it rained in Lorvik."},
                   headers={"origin": "null"})
        assert r.status_code == 403
    assert count(fresh_db) == 4


def test_upload_size_limit(fresh_db):
    with TestClient(create_app(fresh_db, use_embeddings=False, max_upload_bytes=1_000)) as c:
        big = ("Ann Lee said that it rained. " * 400).encode()
        r = c.post("/analyze", files={"file": ("big.txt", big, "text/plain")}, headers={"accept": "text/html"})
        assert r.status_code == 413 and "over the upload limit of 1,000 bytes" in r.text
        # Without a Content-Length (chunked), the limit holds while reading.
        r = c.post("/api/analyze", content=(chunk for chunk in [b'{"text": "', b"x" * 200_000, b'"}']),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["detail"].endswith("over the upload limit of 1,000 bytes")
        # Under the request limit but over the article limit: refused by the form handler.
        r = c.post("/analyze", data={"text": "word " * 400})
        assert r.status_code == 413 and "over the limit" in r.text
        r = c.post("/api/analyze", json={"text": "word " * 400})
        assert r.status_code == 413
    assert count(fresh_db) == 4


def test_no_state_change_on_get(fresh_db):
    with Ledger.open(fresh_db, read_only=True) as ledger:
        before = (queries.ledger_version(ledger), [r["article"]["id"] for r in ledger.reports()])
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        for url in ["/", "/articles", "/articles/harbour", "/sources", "/claims", "/findings", "/analyze",
                    "/analyze?text=Ann+Lee+said+that+it+rained.", "/api/articles", "/api/claims"]:
            assert c.get(url).status_code == 200, url
        # Analyze only answers POST.
        assert c.get("/api/analyze", params={"text": "Ann Lee said that it rained."}).status_code == 405
    with Ledger.open(fresh_db, read_only=True) as ledger:
        after = (queries.ledger_version(ledger), [r["article"]["id"] for r in ledger.reports()])
    assert before == after


def test_read_only_serving_refuses_analyze(fresh_db):
    with TestClient(create_app(fresh_db, use_embeddings=False, read_only=True)) as c:
        assert "served read-only" in c.get("/analyze").text
        assert c.post("/analyze", data={"text": "Ann Lee said that it rained."}).status_code == 403
        assert c.post("/api/analyze", json={"text": "Ann Lee said that it rained."}).status_code == 403


# ---------------------------------------------------------------------------------------------- analyze

def test_analyze_pasted_text_stores_and_shows_it(fresh_db, nlp):
    text = ("Harbour master Lena Voss said that the new pier will cost 4 million euros. "
            "<script>window.__pwned = 1</script>")
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        r = c.post("/analyze", data={"text": text, "title": "Pier <b>plan</b>", "outlet": "Quay Post",
                                     "published": "2025-06-01"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/articles/sha-")
        page = c.get(r.headers["location"])
        assert page.status_code == 200 and "Pier &lt;b&gt;plan&lt;/b&gt;" in page.text
        assert "l-source" in page.text and "l-quantity" in page.text
        assert_inert(page.text)
        # The same text again is not stored twice.
        again = c.post("/analyze", data={"text": text}, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == r.headers["location"] + "?notice=already"
        bad = c.post("/analyze", data={"text": text, "published": "yesterday"})
        assert bad.status_code == 400 and "bad publication date" in bad.text
        assert c.post("/analyze", data={"text": "   "}).status_code == 400
    assert count(fresh_db) == 5


def test_analyze_uploads_txt_and_jsonl(fresh_db, nlp):
    lines = [json.dumps({"id": "up-1", "title": "First", "text": "Ann Lee said that the ferry will run daily."}),
             json.dumps({"id": "up-2", "text": "Bo Ek said that the tunnel opens in May."}),
             "{not json"]
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        r = c.post("/analyze", files={"file": ("batch.jsonl", "\n".join(lines).encode(), "application/x-ndjson")})
        assert r.status_code == 200
        assert 'href="/articles/up-1"' in r.text and 'href="/articles/up-2"' in r.text
        assert "batch.jsonl:3: malformed JSON" in r.text
        r = c.post("/analyze", files={"file": ("note.txt", b"Cara Moe said that the dam is safe.", "text/plain")},
                   follow_redirects=False)
        assert r.status_code == 303
        r = c.post("/analyze", files={"file": ("report.pdf", b"%PDF-1.4", "application/pdf")})
        assert r.status_code == 400 and "upload a .txt, .html or .jsonl file" in r.text
        api = c.post("/api/analyze", json={"text": "Dan Oz said that the road will close.", "title": "Road"})
        assert api.status_code == 200 and api.json()["report"]["article"]["title"] == "Road"
    assert count(fresh_db) == 8


def test_claims_page_caps_each_side_and_links_the_rest(client, monkeypatch):
    from claimledger.web import app as web_app

    monkeypatch.setattr(web_app, "CLAIM_ENTRIES_SHOWN", 1)
    html = client.get("/claims", params={"contested": "1"}).text
    assert "… and 1 more" in html and "all in the JSON" in html
    assert html.count('class="evidence"') == 2        # one per side


# ------------------------------------------------------------------------------------------- PostgreSQL

@pytest.fixture
def pg_db():
    """A fresh PostgreSQL ledger holding the demo reports (CLAIMLEDGER_TEST_PG_URL, set by
    .ci/services.d/postgresql.sh), dropped afterwards; a skip saying why when there is no server."""
    import os
    import uuid

    import sqlalchemy as sa

    from claimledger.store import parse_target

    url = os.environ.get("CLAIMLEDGER_TEST_PG_URL")
    if not url:
        pytest.skip("PostgreSQL web tests need CLAIMLEDGER_TEST_PG_URL (set by .ci/services.d/postgresql.sh)")
    admin = sa.create_engine(parse_target(url).url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = "cl_web_" + uuid.uuid4().hex[:12]
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - unreachable server: skip, and say why
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable: {str(exc).splitlines()[0]}")
    target = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    with Ledger.open(target, create=True) as ledger:
        ledger.store(demo_reports())
    yield target
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_pages_and_api_on_postgresql(pg_db):
    with TestClient(create_app(pg_db, use_embeddings=False)) as c:
        ids = lambda **p: [i["article"] for i in c.get("/api/articles", params=p).json()["items"]]  # noqa: E731
        assert ids() == ["lorvik-2", EVIL_ID, "lorvik-1", "harbour"]
        assert set(ids(q="Lorvik bridge")) == {"lorvik-1", "lorvik-2"} and ids(q="harbours") == ["harbour"]
        assert ids(finding="changed_figure", outlet="north courier") == ["harbour"]
        assert set(ids(contested="1")) == {"lorvik-1", "lorvik-2"}
        named = {s["name"]: s for s in c.get("/api/sources").json()["named"]["items"]}
        assert (named["Mira Tann"]["quotes"], named["Mira Tann"]["articles"]) == (2, 2)
        assert c.get("/api/findings", params={"severity": "warning"}).json()["total"] == 1
        for url in ["/articles", "/articles/harbour", f"/articles/{quote(EVIL_ID, safe='')}", "/sources",
                    "/sources/Mira%20Tann", "/claims", "/findings"]:
            r = c.get(url)
            assert r.status_code == 200, url
            assert_inert(r.text)


def test_highlight_gives_every_content_and_finding_an_anchor():
    from claimledger.web.sample import Marks, Said, build_report

    text = "Ann Lee said that 5 ships sank. Bo Ek said that 5 ships sank."
    report = build_report(text, Marks(
        said=[Said("Ann Lee", "said", "5 ships sank"), Said("Bo Ek", "said", "5 ships sank")],
        quantities=[("5 ships", 5, None)],
        findings=[("contradiction", "error", "Two counts.", None, ["5 ships sank"]),
                  ("other", "info", "Same start.", None, ["5 ships"])]), id="ships")
    html = str(highlight(report))
    ids = [a.get("id") for _, a in Tags(html).tags if a.get("id")]
    assert sorted(ids) == ["t-a1", "t-a2", "tf-f1", "tf-f2"]
    # Overlaps cut into segments, never nested: the text reads the same, markers aside.
    assert "".join(Tags(without_markers(html)).text) == text
    assert html.count('class="fmark sev-error"') == 1 and html.count('class="fmark sev-info"') == 1


def test_article_page_shows_split_quotes_as_pieces_and_who_a_quote_was_relayed_from(tmp_path, nlp):
    from claimledger.pipeline import analyze

    split = ('"The dam held for an hour," the engineer Lina Moss said on Friday. '
             '"Then the water came over the top."\n')
    relayed = '"The bridge is <safe>," the inspector Ana Ruiz said, according to the Gazette.\n'
    path = tmp_path / "split.db"
    with Ledger.open(str(path), create=True) as ledger:
        ledger.store([analyze(split, id="split-1").to_dict(), analyze(relayed, id="relay-1").to_dict()])
    with TestClient(create_app(str(path), use_embeddings=False)) as c:
        panel = c.get("/articles/split-1").text.split("<aside", 1)[1]
        relay_page = c.get("/articles/relay-1").text
        board = c.get("/claims").text
    assert "hour,&#34; \u2026 &#34;Then" in panel or "hour,&quot; \u2026 &quot;Then" in panel
    # The quotation carries its own marks, so the browser's <q> marks are switched off for it.
    assert "said on Friday" not in panel.split('<q class="own">', 1)[1].split("</q>", 1)[0]
    relay_panel = relay_page.split("<aside", 1)[1]
    assert "Gazette" in relay_panel and "quoting Ana Ruiz" in relay_panel
    assert "original source, quoted by Gazette: Ana Ruiz" in relay_page
    assert "<safe>" not in relay_page and "&lt;safe&gt;" in relay_page
    assert '<span class="relay">quoting Ana Ruiz</span>' in board


def test_storing_an_article_rebuilds_the_claims_board_in_the_background(fresh_db):
    with TestClient(create_app(fresh_db, use_embeddings=False)) as c:
        web = c.app.state.web
        startup = web.warming
        startup.join(timeout=120)
        before = web._claims
        assert before is not None and before[0] == queries.ledger_version(web.ledger)  # built at start-up
        r = c.post("/api/analyze", json={"text": "Mayor Ann Lee said the dam had not been shelled."})
        assert r.status_code == 200
        assert web.warming is not startup  # no visit to Claims needed to start it
        web.warming.join(timeout=120)
        after = web._claims
        assert after[0] != before[0] and after[0] == queries.ledger_version(web.ledger)
