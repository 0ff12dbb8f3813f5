"""End to end: the sample corpus built for real, checked in headless Chromium."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from build_archive.extract import corpus
from build_archive.search import parts, bigrams
from build_archive import pipeline
from build_archive import models

PROJECT = Path(__file__).resolve().parent.parent

QUERIES = ["营商环境", "招商引资", "服务业"]


def articles(built: Path) -> list[dict]:
    """Every generated article: its front matter, body text and site URL."""
    out = []
    for path in sorted((built / "docs" / "articles").rglob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        text = re.sub(r"\\(.)", r"\1", body).replace("## ", "").replace("&amp;", "&")
        url = path.relative_to(built / "docs").with_suffix(".html").as_posix()
        out.append({**meta, "text": text, "url": url})
    return out


def containing(all_articles: list[dict], needle: str) -> set[str]:
    norm = bigrams.normalise(needle)
    return {a["title"] for a in all_articles
            if norm in bigrams.normalise(a["title"]) or norm in bigrams.normalise(a["text"])}


def result_titles(page) -> list[str]:
    # locator waits, not wait_for_function: the site's CSP forbids the eval that needs
    page.locator(".qz-search__status", has_text=re.compile("找到")).wait_for()
    return page.locator(".qz-result__title").all_inner_texts()


# --- the build ----------------------------------------------------------------


def test_build_writes_every_article_and_index(built):
    site = built / "site"
    found = articles(built)
    assert len(found) == 22  # 7 + 7 + 1 + 1 + 6 on the five sample pages
    for article in found:
        html = (site / article["url"]).read_text("utf-8")
        assert "data-pagefind-body" in html
        assert article["date"] and article["districts"] and article["themes"]
    for index in ["index.html", "search.html", "districts/index.html", "themes/index.html", "dates/index.html",
                  "districts/衢江区.html", "dates/2022.html"]:
        assert (site / index).is_file(), index
    assert list((site / "pagefind").glob("pagefind.zh_*.pf_meta")), "one index, for lang zh"


def test_search_tokens_cover_every_field_a_reader_may_search(built):
    """Pagefind's copy of an article page gets the bigrams of the article's title, subtitle,
    authors, paragraphs and captions, each on its own (no bigram across two of them), as the
    article record has them; the published page carries none (~10 KB an article)."""
    pages, _ = corpus.read_corpus(PROJECT / "corpus")
    found = pipeline.extract(pages, models.Report())
    assert any(a.authors for a in found) and any(a.captions for a in found) and any("\n## " in a.body for a in found)
    for a in found:
        html = (built / "site" / f"{a.slug}.html").read_text("utf-8")
        assert bigrams.EMPTY_BLOCK in html and bigrams.MARKER not in html
        fields = [a.title, a.subtitle or "", *a.authors, *a.body.split("\n\n"), *(c.display() for c in a.captions)]
        expected = bigrams.bigram_tokens("\n".join(f.removeprefix("## ") for f in fields if f))
        assert bigrams.bigram_tokens(parts.searched_text(html)) == expected, a.slug
        indexed = parts.indexed_page(html)
        assert bigrams.grams_block("\n".join(f.removeprefix("## ") for f in fields if f)) in indexed


def test_no_link_assumes_the_site_root(built):
    """Under https://USER.github.io/REPO/ a link starting with / leaves the site. (404.html too:
    served at any missing URL, it finds the site folder by script, overrides/404.html.)"""
    for path in (built / "site").rglob("*.html"):
        html = path.read_text("utf-8")
        bad = re.findall(r'(?:href|src|action)="(/[^/"][^"]*)"', html)
        bad += re.findall(r'(?:src|action)="(https?://[^"]*)"', html)  # a request to another host
        assert not bad, f"{path}: {bad[:3]}"


def test_articles_are_not_in_the_nav(built):
    config = (Path(__file__).parent.parent / "mkdocs.yml").read_text("utf-8")
    assert "articles/" not in config.split("nav:", 1)[1].split("not_in_nav", 1)[0]
    html = (built / "site" / "index.html").read_text("utf-8")
    nav = html.split('class="md-nav', 1)[1].split("</nav>", 1)[0]
    assert "articles/" not in nav


def test_index_pages_list_newest_first_with_counts(built):
    page = (built / "docs" / "districts" / "衢江区.md").read_text("utf-8")
    listed = re.findall(r"^- .*\]\(\.\./(articles/.+?)\.md\)", page, re.M)
    by_url = {a["url"]: a for a in articles(built) if "衢江区" in a["districts"]}
    assert f"共 **{len(by_url)}** 篇文章" in page and sorted(u + ".html" for u in listed) == sorted(by_url)
    dates = [by_url[u + ".html"]["date"] for u in listed]
    assert dates == sorted(dates, reverse=True) and dates[0] != dates[-1]
    year = (built / "docs" / "dates" / "2022.md").read_text("utf-8")  # a calendar per month, with counts
    assert 'data-month="2022-07" data-count="6"' in year and 'data-month="2022-08" data-count="7"' in year


def test_two_builds_are_byte_identical(built, tmp_path):
    from build_archive import cli

    assert cli.build(Path(__file__).parent.parent / "corpus", tmp_path / "site", tmp_path / "docs") == 0
    for name in ("docs", "site"):
        first = {p.relative_to(built / name): p.read_bytes() for p in (built / name).rglob("*") if p.is_file()}
        second = {p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*") if p.is_file()}
        assert first.keys() == second.keys(), name
        changed = [str(p) for p in first if first[p] != second[p]]
        assert not changed, f"{name} differs: {changed[:5]}"


# --- in the browser, over http under a sub-path ---------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_search_page_finds_the_articles_that_contain_the_query(served, built, page, query):
    page.goto(served + "search.html?q=" + quote(query))
    titles = result_titles(page)
    expected = containing(articles(built), query)
    assert expected, query
    assert set(titles) == expected
    # results are links to the articles
    href = page.locator(".qz-result__title").first.get_attribute("href")
    assert href.startswith(served + "articles/")
    assert not page.errors
    assert all(url.startswith(served.split("/repo/")[0]) for url in page.requests), "a request left localhost"


def test_district_filter_narrows_results(served, built, page):
    page.goto(served + "search.html?q=" + quote("营商环境"))
    everything = result_titles(page)
    page.locator(".qz-filter[data-filter='区县'] input[value='江山市']").check()
    page.locator(f".qz-result:nth-child({len(everything)})").wait_for(state="detached")
    narrowed = page.locator(".qz-result__title").all_inner_texts()
    expected = {a["title"] for a in articles(built) if "江山市" in a["districts"]} & set(everything)
    assert set(narrowed) == expected and 0 < len(narrowed) < len(everything)
    assert "%E5%8C%BA%E5%8E%BF=" in page.url or "区县=" in page.url  # the filter is kept in the URL


def test_random_substrings_find_their_article(served, built, page):
    """Any 2+ character string of an article's title or body finds it (here: 300 random ones)."""
    rng = random.Random(20261121)
    all_articles = articles(built)
    cases = []
    for _ in range(300):
        article = rng.choice(all_articles)
        source = rng.choice([article["title"], article["text"], article["text"]])
        pieces = [p for p in re.split(r"\s+", source) if len(p) >= 2]
        piece = rng.choice(pieces)
        size = rng.randint(2, min(6, len(piece)))
        start = rng.randrange(0, len(piece) - size + 1)
        cases.append((piece[start:start + size], article["url"]))
    page.goto(served + "search.html")
    misses = page.evaluate("""async (cases) => {
        const pf = await ArchivePagefind.load(new URL("pagefind/", location.href).href);
        const misses = [];
        for (const [needle, url] of cases) {
            const search = await pf.search(QzSearchTokens.encodeQuery(needle));
            const urls = await Promise.all(search.results.map(r => r.data().then(d => d.url)));
            if (!urls.some(u => u.endsWith(url))) misses.push(needle);
        }
        return misses;
    }""", cases)
    assert misses == []


def test_pagefind_indexes_only_the_bigram_block(served, built, page):
    """Pagefind indexes the hidden bigram tokens, not the visible text (a third of its time
    and memory): a raw word matches nowhere in the text, its encoded bigrams do, and each result
    carries the article's text in the `text` meta field for the excerpt."""
    page.goto(served + "search.html")
    found = page.evaluate("""async () => {
        const pf = await ArchivePagefind.load(new URL("pagefind/", location.href).href);
        // a raw word may still match a title (Pagefind indexes the title meta field), never the text
        let raw = 0;
        for (const r of (await pf.search("招商引资")).results) raw += (await r.data()).locations.length;
        const encoded = await pf.search(QzSearchTokens.encodeQuery("招商引资"));
        const first = encoded.results.length ? await encoded.results[0].data() : null;
        return {raw, encoded: encoded.results.length, text: first && first.meta.text,
                content: first && first.content.slice(0, 7), url: first && first.url};
    }""")
    having = [a for a in articles(built) if "招商引资" in a["text"].replace("\n", "")]
    assert found["raw"] == 0
    assert found["encoded"] >= len(having) > 0
    assert found["content"] == "qzgrams"
    article = next(a for a in articles(built) if found["url"].endswith(a["url"]))
    squash = lambda text: re.sub(r"\s+", "", text)
    assert squash(found["text"]) == squash(article["text"])


def test_exact_matches_rank_first(served, built, page):
    """Bigrams can match an article that has them apart; whole-query matches come first."""
    all_articles = articles(built)
    rng = random.Random(7)
    for _ in range(5000):  # find a query whose bigrams all occur in an article that lacks the query
        article = rng.choice(all_articles)
        start = rng.randrange(0, len(article["text"]) - 4)
        query = article["text"][start:start + 3]
        if not re.fullmatch(r"[\u4e00-\u9fff]{3}", query):
            continue
        grams = {query[:2], query[1:]}
        flat = {a["url"]: bigrams.normalise(a["title"] + a["text"]) for a in all_articles}
        partial = [a for a in all_articles
                   if all(g in flat[a["url"]] for g in grams) and query not in flat[a["url"]]]
        if partial:
            break
    else:
        pytest.skip("no query with a partial-only match in this corpus")
    page.goto(served + "search.html?q=" + quote(query))
    result_titles(page)
    flags = page.locator(".qz-result").evaluate_all("els => els.map(e => e.classList.contains('qz-result--exact'))")
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)


def test_header_search_form_on_every_page_opens_the_search_page(served, page):
    page.goto(served + "districts/衢江区.html")
    page.fill(".qz-header-search input", "招商引资")
    page.press(".qz-header-search input", "Enter")
    page.wait_for_url(re.compile(r".*/repo/search\.html\?q=.*"))
    assert result_titles(page)


# --- from disk, no server ------------------------------------------------------


@pytest.fixture(scope="module")
def stick(built, tmp_path_factory):
    """The site copied to a USB-stick-like path with spaces and Chinese characters."""
    path = tmp_path_factory.mktemp("usb") / "媒体 存档" / "衢州"
    shutil.copytree(built / "site", path)
    return path


def test_usb_edition_browses_from_disk(stick, page):
    """Home → an index page → an article → back, all from file://, no server."""
    page.goto((stick / "index.html").as_uri())
    page.locator("a.md-tabs__link", has_text="区县").click()
    page.wait_for_load_state()
    assert page.url.endswith("districts/index.html")
    page.locator("article a", has_text="衢江区").first.click()
    page.wait_for_load_state()
    assert "districts/" in page.url and page.locator("h1").inner_text() == "衢江区"
    link = page.locator("article li a").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == title
    assert page.locator(".qz-chip--district").count() >= 1
    page.go_back()
    assert "districts/" in page.url
    # every stylesheet and script loaded: the page is styled
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    assert all(url.startswith("file://") for url in page.requests), [u for u in page.requests if not u.startswith("file://")]
    assert not page.errors


@pytest.mark.parametrize("query", QUERIES)
def test_usb_edition_searches_from_disk(stick, built, page, query):
    page.goto((stick / "search.html").as_uri() + "?q=" + quote(query))
    titles = result_titles(page)
    assert set(titles) == containing(articles(built), query)
    assert page.locator(".qz-result__excerpt mark").first.inner_text() == query
    # a district filter narrows the results, as over http
    district = page.locator(".qz-filter[data-filter='区县'] input").first
    expected = {a["title"] for a in articles(built) if district.get_attribute("value") in a["districts"]} & set(titles)
    district.check()
    if len(expected) < len(titles):
        page.locator(f".qz-result:nth-child({len(titles)})").wait_for(state="detached")
    assert set(page.locator(".qz-result__title").all_inner_texts()) == expected
    page.locator(".qz-result__title").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() in expected
    assert all(url.startswith("file://") for url in page.requests), [u for u in page.requests if not u.startswith("file://")]
    assert not page.errors
