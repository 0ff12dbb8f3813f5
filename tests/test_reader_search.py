"""The search as a reader meets it (issue 22's "Broken" list), on the sample corpus built for real,
in Chromium over http under a sub-path and from file://: clean excerpts, a "显示更多结果" button
only when there is more, a Chinese no-results message, the query in the page title, filters that
keep the keyboard focus, the search scripts on the search page only, and a Chinese 404 page that
works at any depth without SITE_URL. (Firefox: test_firefox.py.)"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from build_archive.search import bigrams, parts
from pages_server import serve
from test_site import articles, containing, result_titles

MARKER = "___END_PAGEFIND_WEIGHT___"
SITE_NAME = "衢州新闻档案"


def fragments(site: Path) -> list[dict]:
    """Every Pagefind fragment of the bundle (every part): gzip of "pagefind_dcd" + JSON."""
    out = []
    for path in sorted((site / "pagefind").rglob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        out.append(json.loads(raw[len("pagefind_dcd"):]))
    return out


def headed(built: Path) -> dict:
    """An article with a section heading (## in its Markdown), and that heading."""
    for article in articles(built):
        body = (built / "docs" / article["url"]).with_suffix(".md").read_text("utf-8")
        heads = re.findall(r"^## (.+)$", body, re.M)
        if heads:
            return {**article, "heading": heads[0].strip()}
    raise AssertionError("the sample corpus has no article with a section heading")


# --- 1. excerpts: no Pagefind marker ------------------------------------------------------


def test_the_text_meta_is_given_in_an_attribute_without_pagefind_markers():
    page = ('<html lang="zh"><body><div data-pagefind-body><div class="qz-text" data-pagefind-ignore="index" '
            'data-pagefind-meta="text" data-qz-searched><p>第一段&amp;“引号”</p>\n<h2 id="_1">小标题</h2>\n'
            '<p>第二<em>段</em>。</p></div><div class="qz-grams" hidden></div></div></body></html>')
    indexed = parts.indexed_page(page)
    assert 'data-pagefind-meta="text"' not in indexed
    assert ('<div class="qz-text" data-pagefind-ignore="index" data-pagefind-meta="text[data-qz-text]" '
            'data-qz-text="第一段&amp;“引号”\n小标题\n第二段。" data-qz-searched></div>') in indexed
    assert "<h2" not in indexed  # Pagefind sees no heading, so marks none
    assert parts.plain_text("<p>a</p><h2>b</h2><p>c<br>d</p>") == "a\nb\nc\nd"
    # the bigram block is still cut from the page as published
    assert bigrams.grams_block(parts.searched_text(page)) in indexed


def test_no_fragment_carries_pagefind_markers(built):
    found = fragments(built / "site")
    assert len(found) == len(articles(built))
    article = headed(built)
    for fragment in found:
        assert MARKER not in fragment["meta"]["text"] and "PAGEFIND" not in fragment["content"], fragment["url"]
        if fragment["url"].endswith(article["url"]):
            text = fragment["meta"]["text"]
            assert article["heading"] + " " in text and article["heading"] + "." not in text
            assert re.sub(r"\s+", "", text) == re.sub(r"\s+", "", article["text"])


@pytest.mark.parametrize("where", ["http", "file"])
def test_excerpts_never_show_pagefind_markers(served, stick, built, page, where):
    article = headed(built)
    base = served if where == "http" else stick.as_uri() + "/"
    page.goto(base + "search.html?q=" + quote(article["heading"]))
    assert article["title"] in result_titles(page)
    excerpts = page.locator(".qz-result__excerpt").all_inner_texts()
    assert excerpts and not [e for e in excerpts if "PAGEFIND" in e or "___" in e], excerpts
    assert not page.errors


# --- 2. "显示更多结果" and no results -----------------------------------------------------


def more_button(page):
    return page.locator(".qz-search__more")


def test_more_button_only_when_there_is_more(served, built, page):
    page.goto(served + "search.html?q=" + quote("营商环境"))
    titles = result_titles(page)
    assert 0 < len(titles) <= 20
    assert not more_button(page).is_visible()
    # one character: every article with it, more than a page of 20
    everything = containing(articles(built), "的")
    assert len(everything) > 20
    page.goto(served + "search.html?q=" + quote("的"))
    assert len(result_titles(page)) == 20
    more_button(page).wait_for(state="visible")
    more_button(page).click()
    page.locator(f".qz-result:nth-child({len(everything)})").wait_for()
    assert set(page.locator(".qz-result__title").all_inner_texts()) == everything
    more_button(page).wait_for(state="hidden")
    assert not page.errors


def test_no_results_say_so_in_chinese_with_a_hint(served, page):
    page.goto(served + "search.html?q=" + quote("魑魅魍魉"))
    status = page.locator(".qz-search__status", has_text="没有找到")
    status.wait_for()
    said = status.inner_text()
    assert "“魑魅魍魉”" in said and "错别字" in said and "找到 0" not in said and "其中" not in said
    assert page.locator(".qz-result").count() == 0 and not more_button(page).is_visible()
    # with a filter chosen the hint is to drop filters
    page.goto(served + "search.html?q=" + quote("魑魅魍魉") + "&" + quote("区县") + "=" + quote("江山市"))
    page.locator(".qz-search__status", has_text="没有找到").wait_for()
    assert "筛选" in page.locator(".qz-search__status").inner_text()
    assert not page.errors


# --- 4. filters keep the keyboard focus -------------------------------------------------------


def focused_filter(page) -> dict | None:
    return page.evaluate("""() => {
        const el = document.activeElement;
        return el && el.matches(".qz-filter input") ? {value: el.value, checked: el.checked} : null;
    }""")


def test_space_on_a_filter_keeps_the_focus_on_it(served, page):
    page.goto(served + "search.html?q=" + quote("营商环境"))
    everything = result_titles(page)
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    box = page.locator(".qz-filter[data-filter='区县'] input").first
    value = box.get_attribute("value")
    box.focus()
    page.keyboard.press("Space")
    page.locator(f".qz-result:nth-child({len(everything)})").wait_for(state="detached")
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    page.wait_for_timeout(300)  # any late drawing of the filters
    assert focused_filter(page) == {"value": value, "checked": True}
    page.keyboard.press("Space")  # and back: every result again, the focus still there
    page.locator(f".qz-result:nth-child({len(everything)})").wait_for()
    page.wait_for_timeout(300)
    assert focused_filter(page) == {"value": value, "checked": False}
    page.keyboard.press("Tab")  # the keyboard goes on from there
    assert focused_filter(page) is not None and focused_filter(page)["value"] != value
    assert not page.errors


def test_results_arriving_leave_the_focus_on_the_filters(served, page):
    page.goto(served + "search.html?q=" + quote("营商环境"))
    result_titles(page)
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    box = page.locator(".qz-filter[data-filter='主题'] input").first
    value = box.get_attribute("value")
    box.focus()
    # a new query's results arrive (as when the reader tabs on while they load)
    page.evaluate("""() => {
        const input = document.querySelector(".qz-search__input");
        input.value = "服务业";
        input.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertText", data: "服务业"}));
    }""")
    page.locator(".qz-search__status", has_text="服务业").wait_for()
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    page.wait_for_timeout(300)
    now = focused_filter(page)
    assert now is not None, "the focus fell to " + page.evaluate("document.activeElement.tagName")
    if page.locator(f".qz-filter[data-filter='主题'] input[value='{value}']").count():
        assert now["value"] == value
    assert not page.errors


# --- 6. the title, the scripts, no corpus file names ------------------------------------------


def test_the_search_page_title_names_the_query(served, page):
    page.goto(served + "search.html?q=" + quote("营商环境"))
    result_titles(page)
    assert page.title() == f"“营商环境”的搜索结果 - {SITE_NAME}"
    page.locator(".qz-search__input").fill("招商引资")
    page.locator(".qz-search__status", has_text="招商引资").wait_for()
    assert page.title() == f"“招商引资”的搜索结果 - {SITE_NAME}"
    page.goto(served + "search.html")
    page.locator(".qz-search__filters[data-counts='complete']").wait_for()
    assert page.title() == f"搜索 - {SITE_NAME}"


def test_only_the_search_page_loads_the_search_scripts(built, served, page):
    site = built / "site"
    article = articles(built)[0]["url"]
    for rel in ("index.html", "about.html", "districts/index.html", "dates/2022.html", article, "404.html"):
        html = (site / rel).read_text("utf-8")
        assert "search.js" not in html.replace("header-search.js", "") and "pagefind-loader" not in html, rel
        assert "header-search.js" in html, rel
    search = (site / "search.html").read_text("utf-8")
    assert "assets/javascripts/search.js" in search and "assets/javascripts/pagefind-loader.js" in search
    # an article page asks for nothing of the search, and its header box still opens the search page
    page.goto(served + article)
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requests if "/pagefind/" in u or u.endswith("/search.js")], page.requests
    page.fill(".qz-header-search input", "营商环境")
    page.press(".qz-header-search input", "Enter")
    page.wait_for_url(re.compile(r".*/repo/search\.html\?q=.*"))
    assert result_titles(page)
    assert not page.errors


def test_readers_see_no_corpus_file_names_on_the_search_page(served, built, page):
    page.goto(served + "search.html?q=" + quote("的"))
    result_titles(page)
    shown = page.locator("article").inner_text()
    assert not re.search(r"\.txt|sources\.yml|第 \d+ 行", shown), shown[:500]
    about = (built / "site" / "about.html").read_text("utf-8")
    assert "sources.yml" not in about and ".txt" not in about


# --- 5. the 404 page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages_site(built, tmp_path_factory):
    """The site served as GitHub Pages serves it: 404.html at any missing address, under /repo/."""
    with serve(built / "site", tmp_path_factory.mktemp("pages")) as url:
        yield url


@pytest.fixture(scope="module")
def stick(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("usb") / "媒体 存档" / "衢州"
    shutil.copytree(built / "site", path)
    return path


def check_not_found_page(page, root: str) -> None:
    """The 404 page as a reader sees it: Chinese, styled, links into the site at `root`, its
    search box opening the search page with results."""
    assert page.title() == f"页面不存在 - {SITE_NAME}"
    assert page.locator("article h1").inner_text() == "页面不存在"
    assert "404" in page.locator("article").inner_text() and "Not found" not in page.content()
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    assert page.evaluate("getComputedStyle(document.querySelector('.qz-search__input')).borderTopStyle") == "solid"
    home = page.locator("article a", has_text="返回首页")
    assert page.evaluate("(a) => a.href", home.element_handle()) == root + "index.html"
    tab = page.locator("a.md-tabs__link", has_text="区县")
    assert page.evaluate("(a) => a.href", tab.element_handle()) == root + "districts/index.html"
    page.fill("#qz-notfound-q", "招商引资")
    page.press("#qz-notfound-q", "Enter")
    page.wait_for_url(re.compile(re.escape(root) + r"search\.html\?q=.*"))
    assert result_titles(page)


@pytest.mark.parametrize("missing", ["nope.html", "articles/2099/nope.html", "districts/a/b/c/nope", "assets/x.css"])
def test_the_404_page_works_at_any_depth_without_site_url(pages_site, page, missing):
    assert not os.environ.get("SITE_URL"), "the sample build must be without SITE_URL"
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    response = page.goto(pages_site + missing)
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    assert failed == [f"404 {pages_site}{missing}"], failed  # the page itself, nothing else
    assert all(u.startswith(pages_site) for u in page.requests), page.requests
    check_not_found_page(page, pages_site)
    assert not page.errors


def test_the_404_page_keeps_the_readers_palette(pages_site, page):
    page.goto(pages_site + "index.html")
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    chosen = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert chosen != scheme
    page.goto(pages_site + "articles/2099/nope.html")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == chosen


def test_the_404_page_works_from_disk(stick, page):
    page.goto((stick / "404.html").as_uri())
    page.wait_for_load_state()
    root = stick.as_uri() + "/"
    assert all(u.startswith("file://") for u in page.requests)
    check_not_found_page(page, root)
    assert not page.errors


def test_the_404_page_built_with_site_url(built, tmp_path, page):
    """The Pages workflow sets SITE_URL: the page then takes the site folder from it."""
    from build_archive.site import builder

    site = tmp_path / "site"
    shutil.copytree(built / "site", site)
    out = tmp_path / "mkdocs"
    old = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = "https://example.github.io/repo/"
    try:
        builder.mkdocs_build(built / "docs", out, 1700000000)
    finally:
        if old is None:
            os.environ.pop("SITE_URL")
        else:
            os.environ["SITE_URL"] = old
    html = (out / "404.html").read_text("utf-8")
    assert 'var known = "/repo/"' in html
    assert not re.findall(r'(?:href|src|action)="/', html)
    shutil.copyfile(out / "404.html", site / "404.html")
    with serve(site, tmp_path / "www") as url:
        response = page.goto(url + "themes/x/y/nope.html")
        assert response.status == 404
        check_not_found_page(page, url)
    assert not page.errors
