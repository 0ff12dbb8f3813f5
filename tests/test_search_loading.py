"""How soon the search page searches (issue 8), on the sample corpus built for real, in Chromium.

The search page starts loading Pagefind as it opens, from its <head>, without waiting for
Material's JS or for search.js; a query put in the box at once (an IME commit, a paste) is searched
at once, a query typed key by key after a short pause, never in the middle of an IME composition.
The time these save is measured by the bench (build_archive/bench/__init__.py), not here.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest

from test_site import articles, containing, result_titles

# pagefind.js: its classic-script copy (offline/pagefind.js), which the loader hands its own fetch
BUNDLE_FILES = re.compile(r"/pagefind/(?:offline/)?(pagefind\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|wasm\.[^/]+\.pagefind)")


def query_in_url(page) -> str | None:
    values = parse_qs(page.evaluate("() => location.search").lstrip("?")).get("q")
    return values[0] if values else None


@pytest.mark.parametrize("loader_arrives", ["early", "late"])
def test_pagefind_loads_as_the_search_page_opens_before_search_js(served, built, page, loader_arrives):
    held = []  # search.js, held back: nothing of it runs until the end
    page.route("**/assets/javascripts/search.js", lambda route: held.append(route))
    if loader_arrives == "late":
        # pagefind-loader.js comes after the parser has reached its second copy, at the end of
        # <body>: that parser-blocking copy then runs first, before the async one in <head>
        late = []
        page.route("**/assets/javascripts/pagefind-loader.js", lambda route: late.append(route))
        page.goto(served + "search.html", wait_until="commit")
        for _ in range(600):
            if late and any(re.search(r"/bundle\.[0-9a-f]+\.min\.js$", url) for url in page.requests):
                break
            page.wait_for_timeout(50)
        page.wait_for_timeout(300)  # Material's bundle.js (just before the second copy) arrives and runs
        assert not any(url.endswith("/pagefind/offline/pagefind.js") for url in page.requests)
    wanted = {"pagefind.js", "entry", "meta", "wasm"}
    seen: set[str] = set()

    def bundle_file(request) -> bool:
        m = BUNDLE_FILES.search(request.url)
        if m:
            name = m.group(1)
            seen.add("pagefind.js" if name == "pagefind.js" else "entry" if "entry" in name
                     else "meta" if name.endswith("pf_meta") else "wasm")
        return seen >= wanted

    try:
        with page.expect_request(bundle_file, timeout=60_000):
            if loader_arrives == "late":
                late[0].continue_()
            else:
                page.goto(served + "search.html", wait_until="commit")
    except Exception as error:  # say what came (and what did not)
        raise AssertionError(f"bundle files seen: {sorted(seen)}; requests: {page.requests}") from error
    assert seen >= wanted
    # (the bundle may even be requested before the browser asks for search.js, at the end of <body>)
    assert not page.evaluate("() => 'QzSearchTokens' in window"), "Pagefind loads before search.js has run"
    # nothing searched yet (but Pagefind's warm-up: one index chunk, pagefind-loader.js's WARM_UP)
    assert not any(".pf_fragment" in url for url in page.requests)
    chunks = [url for url in page.requests if ".pf_index" in url]
    assert len(chunks) <= 1 and all("/pagefind/index/" in url for url in chunks), chunks
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()
    # the held script then runs on the Pagefind already loading: the page works as ever
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    page.locator(".qz-search__input").fill("营商环境")
    assert set(result_titles(page)) == containing(articles(built), "营商环境")
    assert sum(1 for url in page.requests if url.endswith("/pagefind/offline/pagefind.js")) == 1
    assert sum(1 for url in page.requests if "pagefind-entry.json" in url) == 1, "one Pagefind, loaded once"
    assert not page.errors


def test_the_head_of_the_search_page_alone_starts_pagefind(built):
    search = (built / "site" / "search.html").read_text("utf-8")
    head = search.split("</head>", 1)[0]
    assert re.search(r'<script src="assets/javascripts/pagefind-loader\.js" data-qz-preload="pagefind/" async>', head)
    for other in ("index.html", "about.html", "districts/index.html"):  # only the search page loads it early
        assert "data-qz-preload" not in (built / "site" / other).read_text("utf-8")


def open_ready(page, url: str) -> None:
    page.goto(url)
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()


def test_a_word_put_in_at_once_is_searched_at_once_keys_after_a_pause(served, built, page):
    page.clock.install()
    open_ready(page, served + "search.html")
    box = page.locator(".qz-search__input")
    box.focus()
    page.clock.pause_at(page.evaluate("() => Date.now()") + 1000)
    page.keyboard.insert_text("营商环境")  # one input event, as an IME commits a word or a paste
    page.clock.run_for(20)
    assert query_in_url(page) == "营商环境", "searched without waiting for more keys"
    page.keyboard.press("Backspace")  # one key: wait a moment for the next
    page.clock.run_for(20)
    assert query_in_url(page) == "营商环境"
    page.clock.run_for(400)
    assert query_in_url(page) == "营商环"
    page.clock.resume()
    assert set(result_titles(page)) == containing(articles(built), "营商环")
    assert not page.errors


COMPOSE = """([text, end]) => {
    const box = document.querySelector(".qz-search__input");
    box.focus();
    if (!box.dataset.composing) box.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true, data: ""}));
    box.dataset.composing = "1";
    box.value = text;
    box.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertCompositionText", data: text, isComposing: true}));
    if (end) {
        delete box.dataset.composing;
        box.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: text}));
    }
}"""


def test_an_ime_composition_is_searched_when_it_ends(served, built, page):
    open_ready(page, served + "search.html")
    status = page.locator(".qz-search__status").inner_text()
    page.evaluate(COMPOSE, ["ying", False])
    page.evaluate(COMPOSE, ["yingshang", False])
    page.wait_for_timeout(800)  # a reader pausing mid-composition: its pinyin is not searched
    assert query_in_url(page) is None and page.locator(".qz-search__status").inner_text() == status
    page.evaluate(COMPOSE, ["营商", True])
    assert set(result_titles(page)) == containing(articles(built), "营商")
    assert query_in_url(page) == "营商"
    assert not page.errors


def test_first_results_come_before_the_whole_page_of_fragments(served, page):
    """The first results are on screen once their own fragments are in, not the page's 20
    (here the first batch of 10 holds results without the whole query: they wait, the exact
    matches among them do not)."""
    page.goto(served + "search.html")
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    # Pagefind runs on the page's thread (pagefind-loader.js), so its requests are the page's resources
    assert not any("pagefind-worker" in url for url in page.requests)
    counts = page.evaluate("""() => new Promise((resolve) => {
        const fragments = () => performance.getEntriesByType("resource").filter(e => e.name.endsWith(".pf_fragment")).length;
        const list = document.querySelector(".qz-search__results");
        new MutationObserver((_, observer) => {
            if (list.querySelector(".qz-result")) { observer.disconnect(); resolve(fragments()); }
        }).observe(list, {childList: true});
        const box = document.querySelector(".qz-search__input");
        box.value = "服务";
        box.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertText", data: "服务"}));
    })""")
    page.locator(".qz-search__status", has_text=re.compile("找到")).wait_for()
    page.wait_for_load_state("networkidle")
    total = page.evaluate("() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('.pf_fragment')).length")
    assert total > 10, "the query needs more than the first batch of fragments"
    assert counts <= 10 < total


def test_on_a_phone_the_results_come_first_and_the_filters_fold_away(served, built, browser):
    """At 390 px the filters sit in a closed panel above the results (one line), open on a tap;
    a search whose URL chooses a filter opens with the panel open; on a wide screen it is always open."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(served + "search.html?q=营商环境")
    first = page.locator(".qz-result").first
    first.wait_for()
    panel = page.locator("details.qz-search__panel")
    assert panel.get_attribute("open") is None
    assert first.bounding_box()["y"] < 800, "the first result is on the first screen"
    assert not page.locator(".qz-filter input").first.is_visible()
    page.locator(".qz-search__panel > summary").click()
    page.locator(".qz-filter input").first.wait_for(state="visible")
    page.goto(served + "search.html?q=营商环境&区县=开化县")
    page.locator(".qz-result").first.wait_for()
    assert page.locator("details.qz-search__panel").get_attribute("open") is not None
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    page.goto(served + "search.html?q=营商环境")
    page.locator(".qz-filter input").first.wait_for(state="visible")
    assert not page.locator(".qz-search__panel > summary").is_visible()
    wide.close()
