"""Accessibility in the browser: axe-core (WCAG 2.2 AA rules) on every page type, light and dark,
at 1280 and 390 px; keyboard focus visible; the skip link; the chart's figures as text.

axe-core comes from npm (package.json, installed by setup.sh into node_modules/); it is injected
into each page, never copied into the repository.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

ARTICLE_WITH_HEADS = "articles/2023/2023-02-qujiang-ef8c667e.html"  # section heads and captions
COMMENTARY = "articles/2022/2022-07-19-qujiang-c8f3fc05.html"  # 评论
QUERY = "营商环境"

# name → address under the served site; one of every page type
PAGES = {
    "home": "index.html",
    "article (heads, captions)": ARTICLE_WITH_HEADS,
    "article (评论)": COMMENTARY,
    "districts": "districts/index.html",
    "district": "districts/衢江区.html",
    "themes": "themes/index.html",
    "theme": "themes/营商环境.html",
    "authors": "authors/index.html",
    "author": "authors/胡巩固.html",
    "dates": "dates/index.html",
    "year": "dates/2023.html",
    "month": "dates/2022/07.html",
    "search (empty)": "search.html",
    "search (results)": "search.html?q=" + quote(QUERY),
    "search (no results)": "search.html?q=" + quote("没有这样的文章"),
    "search (filtered)": "search.html?q=" + quote(QUERY) + "&" + quote("区县") + "=" + quote("衢江区"),
    "about": "about.html",
}
SCHEMES = {"light": "default", "dark": "slate"}
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def axe_script() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run ./setup.sh (it runs `npm ci` for the browser tests' packages)")
    return AXE.read_text("utf-8")


def open_page(page, url: str) -> None:
    page.goto(url)
    if "search.html" in url:
        # the status says what was found (or asks for a query) once the results are on screen,
        # and the filter counts are final once the facets are in
        page.locator(".qz-search__status", has_text=re.compile("找到|输入字词")).wait_for()
        page.locator('.qz-search__filters[data-counts="complete"]').wait_for(state="attached")
    page.wait_for_load_state("load")


def run_axe(page, axe_script: str) -> list[dict]:
    page.add_script_tag(content=axe_script)
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
              .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                           summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')}))})))""",
        TAGS)


def describe(found: dict[str, list[dict]]) -> str:
    counts = Counter()
    lines = []
    for name, violations in found.items():
        for v in violations:
            counts[v["id"]] += len(v["nodes"])
            lines.append(f"  {name}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
            for node in v["nodes"][:4]:
                lines.append(f"      {node['target']}: {node['summary'][:300]}")
    head = "by rule (nodes): " + ", ".join(f"{rule} {n}" for rule, n in counts.most_common())
    return head + "\n" + "\n".join(lines)


@pytest.fixture(params=[(s, w) for s in SCHEMES for w in WIDTHS], ids=lambda p: f"{p[0]}-{p[1]}px")
def view(request, browser):
    scheme, width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme="dark" if scheme == "dark" else "light")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield scheme, width, page
    context.close()


def test_axe_finds_no_serious_or_critical_violation(served, view, axe_script):
    scheme, width, page = view
    found = {}
    for name, path in PAGES.items():
        open_page(page, served + path)
        assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme], name
        bad = [v for v in run_axe(page, axe_script) if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad
    assert not found, f"axe, {scheme} palette at {width} px:\n{describe(found)}"


# Built without SITE_URL (as `served` is) the 404 page is unstyled, with root-absolute links: the
# search half of issue 22 gives it a page of its own (overrides/404.html). Strict: once that lands
# this passes, and the mark must go.
@pytest.mark.xfail(strict=True, reason="the 404 page is rebuilt by issue 22's search half")
def test_axe_on_the_404_page(served, view, axe_script):
    scheme, width, page = view
    open_page(page, served + "404.html")
    assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
    bad = [v for v in run_axe(page, axe_script) if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe, {scheme} palette at {width} px:\n{describe({'404': bad})}"
