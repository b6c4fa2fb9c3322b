"""The web map in a real browser: Debian's Chromium driven by Playwright, WebGL on SwiftShader.

Against a live server over a real store (see web_support.py). Skipped when Chromium or the
built front end is missing, unless $ALLIANCEMAP_REQUIRE_BROWSER is set (CI sets it), when
they fail instead. The corpus screenshot runs only with $ALLIANCEMAP_CORPUS_DB.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alliancemap.web.app import bundle_built
from web_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CORPUS_ENV,
    HOSTILE_SENTENCE,
    LiveServer,
    build_store,
)

REQUIRE_ENV = "ALLIANCEMAP_REQUIRE_BROWSER"
SCREENSHOT = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "map.png"
IGNORED_CONSOLE = ("GL Driver Message", "GPU stall", "favicon")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not installed (apt-get install chromium)"
    if not bundle_built():
        return "the web map's bundle is not built (make web)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[LiveServer]:
    with LiveServer(build_store(tmp_path_factory.mktemp("webui"))) as live:
        yield live


class Page:
    """A fresh browser context and page, with what the page printed and any dialog it opened."""

    def __init__(self, browser: Any, base: str, width: int = 1280, height: int = 800) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))
        self.page.on("dialog", self._dialog)

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning") and not any(s in msg.text for s in IGNORED_CONSOLE):
            self.console.append(f"{msg.type}: {msg.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        self.ready()

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def poll(self, expression: str, timeout: float = 20.0) -> Any:
        """The value of `expression` once truthy (evaluated from outside: the page's CSP
        forbids the eval that `wait_for_function` needs)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def ready(self, as_of: str | None = None) -> dict[str, int]:
        """Waits for the map to be drawn (for `as_of` if given); returns the counts."""
        self.poll("document.body.dataset.app === 'ready'")
        want = f" && s.dataset.asOf === {as_of!r}" if as_of is not None else ""
        self.poll(
            f"(() => {{ const s = document.getElementById('status'); "
            f"return s.dataset.state === 'ready'{want}; }})()"
        )
        return self.js("window.__alliancemap.counts()")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def ui(browser: Any, server: LiveServer) -> Iterator[Page]:
    page = Page(browser, server.url)
    yield page
    page.close()
    assert page.dialogs == [], f"the page opened dialogs: {page.dialogs}"
    assert page.console == [], f"the page logged problems: {page.console}"


def api(server: LiveServer, path: str, **params: Any) -> Any:
    return httpx.get(f"{server.url}{path}", params=params, timeout=30).json()


def _drawn_pixels(png: bytes) -> tuple[int, int]:
    """(pixels that are not the white background, distinct colours) of a screenshot."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    painted = sum(n for n, c in colours if sum(c) < 3 * 245)
    return painted, len(colours)


def test_map_loads_and_draws_nodes(ui: Page, server: LiveServer) -> None:
    ui.open()
    counts = ui.js("window.__alliancemap.counts()")
    graph = api(server, "/api/graph")
    assert counts == {"nodes": len(graph["nodes"]), "edges": len(graph["edges"])}
    assert ui.js("window.__firstFrame") > 0
    painted, colours = _drawn_pixels(ui.page.locator("#graph").screenshot())
    assert painted > 2000, "the WebGL canvas is (nearly) blank"
    assert colours > 20
    assert "organizations" in ui.page.locator("#status").text_content()
    assert ui.page.locator("#no-bundle").is_hidden()


def test_slider_changes_the_visible_edges(ui: Page, server: LiveServer) -> None:
    ui.open()
    everything = ui.js("window.__alliancemap.counts()")
    years = api(server, "/api/meta")["years"]
    slider = ui.page.locator("#as-of")
    slider.focus()
    ui.page.keyboard.press("Home")
    early = ui.ready(as_of=str(years[0]))
    assert early["edges"] < everything["edges"]
    assert early["edges"] == len(api(server, "/api/graph", as_of=years[0])["edges"])
    assert ui.page.locator("#as-of-label").text_content() == f"as of {years[0]}"
    assert f"as_of={years[0]}" in ui.page.url
    ui.page.keyboard.press("ArrowRight")
    later = ui.ready(as_of=str(years[1]))
    assert early["edges"] <= later["edges"]
    ui.page.keyboard.press("End")
    assert ui.ready(as_of="") == everything


def test_play_redraws_the_map_year_by_year(ui: Page, server: LiveServer) -> None:
    ui.open()
    years = [str(y) for y in api(server, "/api/meta")["years"]]
    ui.page.locator("#play").click()
    seen = []
    deadline = time.monotonic() + 10
    while len(seen) < 3 and time.monotonic() < deadline:
        shown = ui.js("document.getElementById('status').dataset.asOf")
        if shown and (not seen or seen[-1] != shown):
            seen.append(shown)
        time.sleep(0.05)
    ui.page.locator("#play").click()  # pause
    assert seen[:3] == years[:3]


def test_a_filter_hides_a_relation_type(ui: Page) -> None:
    ui.open()
    before = ui.js("window.__alliancemap.edgeTypes()")
    assert before.get("competition", 0) > 0
    ui.page.locator("#type-competition").uncheck()
    ui.poll("!('competition' in window.__alliancemap.edgeTypes())")
    after = ui.js("window.__alliancemap.edgeTypes()")
    assert {k: v for k, v in before.items() if k != "competition"} == after
    assert "types=" in ui.page.url and "competition" not in ui.page.url.split("types=")[1]
    ui.page.locator("#polarity").select_option("adversarial")
    ui.poll(
        "Object.keys(window.__alliancemap.edgeTypes()).every("
        "t => ['litigation', 'investigation'].includes(t))"
    )


def _click_edge(ui: Page, source: str, target: str, rtype: str) -> None:
    """Clicks along the edge (middle first) until the panel shows it."""
    title = ui.page.locator("#panel [data-testid=panel-title]")
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
        point = ui.js(f"window.__alliancemap.edgePoint({source!r}, {target!r}, {rtype!r}, {t})")
        assert point, f"edge {source} {rtype} {target} not drawn"
        ui.page.mouse.click(point["x"], point["y"])
        try:
            title.filter(has_text=source).filter(has_text=target).wait_for(timeout=1500)
            return
        except Exception:  # noqa: BLE001 - clicked a node or another edge: try further along
            continue
    raise AssertionError(f"clicking the edge {source} {rtype} {target} did not select it")


def test_clicking_an_edge_shows_its_evidence(ui: Page) -> None:
    ui.open("?types=competition")
    _click_edge(ui, "Google", "Microsoft", "competition")
    panel = ui.page.locator("#panel")
    evidence = panel.locator("[data-testid=evidence]")
    evidence.filter(has_text="Google competes with Microsoft").wait_for()
    item = panel.locator("li.claim").filter(has_text="Google competes with Microsoft")
    assert item.locator("a.source-link").get_attribute("href") == "https://news.example.com/a6"
    assert item.locator("a.source-link").get_attribute("rel") == "noopener noreferrer nofollow"
    assert item.locator("[data-testid=claim-date]").text_content() == "2016-05-10"
    assert "extractor rules" in item.locator("[data-testid=claim-meta]").text_content()
    assert "edge_type=competition" in ui.page.url
    assert ui.js("window.__alliancemap.selected().kind") == "edge"


def test_a_shared_url_restores_the_view(ui: Page, server: LiveServer, browser: Any) -> None:
    ui.open("?as_of=2020&types=partnership,investment&min_sources=1")
    search = ui.page.locator("#search")
    search.fill("micro")
    ui.page.locator("#search-results li").first.wait_for()
    assert ui.page.locator("#search-results li").first.get_attribute("data-name") == "Microsoft"
    search.press("Enter")
    ui.page.locator("#panel [data-testid=panel-title]").filter(has_text="Microsoft").wait_for()
    ui.page.locator("#size-by").select_option("pagerank")
    ui.ready(as_of="2020")
    ui.poll("location.search.includes('size=pagerank')")
    shared = ui.page.url
    counts = ui.js("window.__alliancemap.counts()")

    other = Page(browser, server.url)
    try:
        other.page.goto(shared)
        assert other.ready(as_of="2020") == counts
        p = other.page
        p.locator("#panel [data-testid=panel-title]").filter(has_text="Microsoft").wait_for()
        assert p.locator("#as-of-label").text_content() == "as of 2020"
        checked = {
            t: p.locator(f"#type-{t}").is_checked() for t in ("partnership", "investment", "supply")
        }
        assert checked == {"partnership": True, "investment": True, "supply": False}
        assert p.locator("#size-by").input_value() == "pagerank"
        assert other.js("window.__alliancemap.selected()") == {"kind": "node", "key": "Microsoft"}
        graph = api(server, "/api/graph", as_of="2020", types="partnership,investment")
        assert counts["edges"] == len(graph["edges"])
        assert other.console == [] and other.dialogs == []
    finally:
        other.close()


def test_hostile_evidence_shows_as_text_and_runs_nothing(ui: Page) -> None:
    ui.open("?edge_source=Meta&edge_target=Microsoft&edge_type=partnership")
    panel = ui.page.locator("#panel")
    hostile = panel.locator("[data-testid=evidence]").filter(has_text="<script>alert(1)</script>")
    hostile.wait_for()
    assert hostile.text_content() == HOSTILE_SENTENCE
    assert hostile.inner_html() == (
        HOSTILE_SENTENCE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
    panel.locator("button.org-link", has_text="Meta").first.click()
    panel.locator("[data-testid=panel-title]").filter(has_text="Meta").wait_for()
    panel.locator("[data-testid=evidence]").filter(
        has_text="<img src=x onerror=alert(1)>"
    ).wait_for()
    ui.page.wait_for_timeout(300)  # an onerror would have fired by now
    assert ui.js("document.querySelectorAll('img, script:not([src])').length") == 0
    assert ui.js("document.querySelectorAll('[onerror], [onclick], [onload]').length") == 0
    # ui's teardown asserts that no dialog (alert) was opened and nothing was logged


def test_the_other_views(ui: Page) -> None:
    ui.open("?tab=concentration")
    view = ui.page.locator("#view-concentration")
    view.locator("svg.chart polyline").first.wait_for()
    assert view.locator("table.data tbody tr").count() >= 1
    ui.page.locator(".tab[data-tab=transitions]").click()
    ui.page.locator("#view-transitions table.transitions").wait_for()
    assert "tab=transitions" in ui.page.url
    ui.page.locator(".tab[data-tab=exposure]").click()
    ui.page.locator("#stack-text").wait_for()
    ui.poll("document.getElementById('stack-text').value.includes('components')")
    ui.page.locator("#exposure-run").click()
    report = ui.page.locator("[data-testid=exposure-report]")
    report.wait_for()
    assert "Ultimate providers" in report.text_content()
    ui.page.locator("#stack-text").fill("components:\n  - product: Nonexistent Thing\n")
    ui.page.locator("#exposure-run").click()
    ui.page.locator("#view-exposure .error").filter(has_text="unknown product").wait_for()
    expected = [line for line in ui.console if "status of 400" in line]  # the bad stack's answer
    assert len(expected) == 1
    ui.console.remove(expected[0])


@pytest.mark.skipif(not os.environ.get(CORPUS_ENV), reason=f"set {CORPUS_ENV} to a corpus store")
def test_screenshot_of_the_corpus_map(browser: Any, tmp_path: Path) -> None:
    source = Path(os.environ[CORPUS_ENV])
    db = tmp_path / "corpus.db"
    shutil.copyfile(source, db)  # the app only reads, but the given store stays untouched
    with LiveServer(db) as live:
        page = Page(browser, live.url, width=1600, height=1000)
        try:
            page.open()
            counts = page.js("window.__alliancemap.counts()")
            graph = api(live, "/api/graph")
            assert counts == {"nodes": len(graph["nodes"]), "edges": len(graph["edges"])}
            assert counts["nodes"] > 1000
            page.page.wait_for_timeout(500)  # labels settle
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            png = page.page.screenshot(path=str(SCREENSHOT))
            painted, _ = _drawn_pixels(png)
            assert painted > 50_000
            assert page.console == [] and page.dialogs == []
        finally:
            page.close()
