"""The web UI in a real browser: Debian's chromium driven by Playwright, against uvicorn on 127.0.0.1.

Loads a ledger, searches, opens an article, clicks a highlighted content, follows a claim to its evidence,
uploads a file, reads without JavaScript, and checks that injected markup never runs (no `window.__pwned`,
no dialog, no Content-Security-Policy violation: nothing was even attempted). Screenshots go under the
test's temporary directory. Skips, saying why, when chromium or Playwright is absent.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                                     "(pip install playwright; no browser download needed)")
uvicorn = pytest.importorskip("uvicorn")

from claimledger.store import Ledger  # noqa: E402
from claimledger.web import create_app  # noqa: E402
from claimledger.web.sample import demo_reports  # noqa: E402

CHROMIUM = os.environ.get("CLAIMLEDGER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EVIL_ID = 'evil"><script>window.__pwned=7</script>'

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason=f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/services.d/chromium.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "ledger.db"
    with Ledger.open(str(db), create=True) as ledger:
        ledger.store(demo_reports())
    port = _free_port()
    config = uvicorn.Config(create_app(str(db), use_embeddings=False), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "db": str(db)}
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        except Exception as exc:  # a chromium Playwright cannot drive is a skip, not a failure
            pytest.skip(f"cannot launch {CHROMIUM}: {str(exc).splitlines()[0]}")
        yield b
        b.close()


class Watched:
    """A page plus everything that would betray injected code: dialogs, page errors, CSP violations."""

    def __init__(self, page, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    def goto(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path

    def assert_clean(self) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.dialogs == [] and self.errors == []
        assert not [m for m in self.console if "Content Security Policy" in m or "Refused" in m], self.console


@pytest.fixture
def web(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watched = Watched(page, server["url"], tmp_path)
    yield watched
    watched.assert_clean()
    context.close()


def test_search_and_open_an_article(web):
    web.goto("/")
    rows = web.page.locator("table.list tbody tr")
    assert rows.count() == 4
    web.page.fill("input[name=q]", "Lorvik bridge")
    web.page.press("input[name=q]", "Enter")
    web.page.wait_for_url("**/articles?q=Lorvik+bridge*")
    assert rows.count() == 2
    assert "2 of 4 articles" in web.page.inner_text("p.count")
    web.shot("search")
    web.page.click("text=Bridge damaged, officials say")
    web.page.wait_for_url("**/articles/lorvik-1")
    assert web.page.inner_text("h1") == "Bridge damaged, officials say"
    assert web.page.locator("#text .l-source").count() == 3 and web.page.locator("#text .l-quantity").count() == 1
    web.shot("article")


def test_click_a_content_shows_its_source_and_cue(web):
    web.goto("/articles/lorvik-1")
    content = web.page.locator('#text a.l-content[data-att="a2"]').first
    # Hover shows the resolved name and kind.
    assert "source: Mira Tann (person)" in content.get_attribute("title")
    assert "source: Mira Tann (person)" in web.page.locator('#text .l-source[data-att="a2"]').get_attribute("title")
    content.click()
    web.page.wait_for_url("**#att-a2")
    selection = web.page.locator("#selection")
    assert selection.is_visible()
    assert "Mira Tann" in selection.inner_text() and "denied" in selection.inner_text()
    assert web.page.locator('#text .l-source.active[data-att="a2"]').count() == 1
    assert web.page.locator('#text .l-cue.active[data-att="a2"]').inner_text() == "denied"
    assert web.page.locator("#att-a2").evaluate("e => e.matches(':target')")
    web.shot("content-selected")


def test_keyboard_reaches_and_selects_a_content(web):
    web.goto("/articles/harbour")
    # Tab through the page until a content link has focus, then Enter selects it.
    for _ in range(60):
        web.page.keyboard.press("Tab")
        if web.page.evaluate("document.activeElement.matches('a.l-content')"):
            break
    else:
        pytest.fail("no highlighted content is reachable with Tab")
    web.page.keyboard.press("Enter")
    web.page.wait_for_url("**#att-a1")
    assert "Ana Pol" in web.page.inner_text("#selection")


def test_follow_a_claim_to_its_evidence(web):
    web.goto("/claims")
    claim = web.page.locator("section.claim").first
    assert "contested" in claim.inner_text() and "Saboteurs damaged the Lorvik bridge." in claim.inner_text()
    web.shot("claims")
    claim.locator(".side-denies a.evidence").first.click()
    web.page.wait_for_url("**/articles/lorvik-1?focus=a2#t-a2")
    focused = web.page.locator("#text .hl.focus")
    assert focused.count() >= 1 and focused.first.get_attribute("data-att").split()[0] == "a2"
    assert "Mira Tann" in web.page.inner_text("#selection")
    # The evidence is scrolled into view.
    assert web.page.locator("#t-a2").evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    web.shot("evidence")


def test_sources_and_findings_pages(web):
    web.goto("/sources")
    web.page.click("text=Mira Tann")
    web.page.wait_for_url("**/sources/Mira%20Tann")
    assert web.page.locator("ul.quotes li").count() == 2
    web.goto("/findings")
    web.page.select_option("select[name=severity]", "warning")
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/findings?*severity=warning*")
    assert web.page.locator("ol.findings li").count() == 1
    web.page.click("ol.findings li a")
    web.page.wait_for_url("**/articles/harbour?focus=f1#find-f1")
    assert web.page.locator("#find-f1").evaluate("e => e.matches(':target')")
    web.shot("finding")


def test_upload_a_file(web, tmp_path):
    article = tmp_path / "pier.txt"
    article.write_text("Harbour master Lena Voss said that the new pier will cost 4 million euros. "
                       "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">",
                       encoding="utf-8")
    web.goto("/analyze")
    web.page.set_input_files("input[type=file]", str(article))
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/articles/sha-*", timeout=120_000)
    assert web.page.locator("#text .l-source").count() >= 1
    assert "Lena Voss" in web.page.inner_text("aside.panel")
    assert "<script>window.__pwned = 1</script>" in web.page.inner_text("#text")
    web.shot("uploaded")


def test_injected_markup_never_runs(web):
    pages = ["/", f"/articles/{quote(EVIL_ID, safe='')}", "/claims", "/findings", "/sources",
             "/sources/" + quote('Rae <img src=x onerror="window.__pwned = 4"> Idris', safe=""),
             "/articles?q=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E"]
    for path in pages:
        web.goto(path)
        assert web.page.evaluate("document.querySelectorAll('img, svg, iframe, object').length") == 0, path
        assert web.page.evaluate("document.scripts.length") == 1, path
        web.assert_clean()
    text = web.page.evaluate("document.body.innerText")
    web.goto(f"/articles/{quote(EVIL_ID, safe='')}")
    text = web.page.inner_text("#text")
    assert "<script>window.__pwned = 1</script>" in text and "{{ 7*7 }}" in text
    assert web.page.locator("a[href^='javascript:' i]").count() == 0
    # Clicking the content that holds the injected markup runs nothing either.
    web.page.locator('#text a.l-content[data-att="a1"]').first.click()
    assert "Rae" in web.page.inner_text("#selection")
    web.shot("hostile")


def test_readable_and_navigable_without_javascript(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server["url"] + "/articles?contested=1")
        assert page.locator("table.list tbody tr").count() == 2
        page.click("text=Bridge damaged, officials say")
        page.locator('#text a.l-content[data-att="a2"]').first.click()
        page.wait_for_url("**#att-a2")
        entry = page.locator("#att-a2")
        assert entry.evaluate("e => e.matches(':target')")
        assert "Mira Tann" in entry.inner_text() and "denied" in entry.inner_text()
        page.screenshot(path=str(tmp_path / "no-js.png"), full_page=True)
        assert (tmp_path / "no-js.png").stat().st_size > 1000
    finally:
        context.close()
