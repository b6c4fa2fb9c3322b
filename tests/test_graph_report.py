"""The HTML report: one self-contained, valid file whose figures link to their evidence."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from alliancemap.graph.report import claim_html, example_stack_path, gather, render, write_report
from alliancemap.store import open_store
from graphkit import claim, shared_store_path


class Page(HTMLParser):
    """Collects tags, attributes, ids and the nesting of a page, failing on bad nesting."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "path", "use", "rect", "circle", "stop"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.stack: list[str] = []
        self.decl: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    with open_store(shared_store_path()) as store:
        findings = write_report(store, out, stack=example_stack_path(), min_ties=1)
    html = out.read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return html, parsed, findings


def test_valid_and_self_contained(page):
    html, parsed, _ = page
    assert parsed.decl and parsed.decl.lower() == "doctype html"
    assert parsed.stack == []  # every element closed, properly nested
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "iframe", "object", "embed", "link"), tag
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:|//|javascript:|data:)", value, re.I), (tag, value)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only in-page references: url(#clip)


def test_figures_link_to_evidence_that_exists(page):
    _, parsed, _ = page
    figures = [a["id"] for t, a in parsed.tags if t == "figure"]
    assert {"fig-orchestrators", "fig-concentration", "fig-blocs", "fig-transitions"} <= set(
        figures
    )
    assert "fig-exposure" in figures
    assert sum(1 for t, _ in parsed.tags if t == "svg") >= 4
    targets = [
        (a.get("href") or a.get("xlink:href"))[1:]
        for t, a in parsed.tags
        if t == "a" and (a.get("href") or a.get("xlink:href") or "").startswith("#")
    ]
    evidence = [t for t in targets if t.startswith("ev-")]
    assert evidence, "figures must link to evidence"
    missing = sorted({t for t in targets if t not in parsed.ids})
    assert not missing, missing[:5]


def test_evidence_from_the_internet_is_escaped(page):
    html, parsed, _ = page
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the transition cites it
    block = claim_html(claim("A<b>", "B", "partnership", evidence='say "<img src=x>" & go'))
    assert "<b>" not in block and "<img" not in block
    assert "A&lt;b&gt;" in block and "&quot;&lt;img src=x&gt;&quot; &amp; go" in block


def test_closing_note_names_orchestrators_trend_and_turns(page):
    html, _, findings = page
    lines = findings.lines()
    assert lines[0].startswith(f"Top {len(findings.orchestrators)} orchestrators:")
    assert any("Rivals to allies 1:" in line for line in lines)
    assert any(t.a == "Cohere" and t.b == "Mistral AI" for t in findings.transitions)
    assert 'id="closing"' in html


def test_render_is_deterministic(page):
    with open_store(shared_store_path()) as store:
        data = gather(store, min_ties=1, seed=0)
    first = render(data)
    assert render(data) == first
    assert "fig-exposure" not in first  # no stack given: no exposure section
