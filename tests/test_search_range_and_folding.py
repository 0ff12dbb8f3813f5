"""Issue 23: the search page's date range, and traditional characters folded on both sides.

Checked on the real sample site in Chromium, over http under a sub-path and from file://,
against what the articles' front matter says.
"""
from __future__ import annotations

import gzip
import re
import urllib.parse
from pathlib import Path

import pytest
import yaml

from build_archive.search import bigrams

RESULTS = ".qz-result__title"


def front_matters(built: Path) -> list[dict]:
    return [yaml.safe_load(md.read_text("utf-8").split("---\n")[1])
            for md in sorted((built / "docs" / "articles").rglob("*.md"))]


def text_of(built: Path, fm: dict) -> str:
    """What search finds an article by: title, subtitle, authors, body, captions (not its themes)."""
    md = next(p for p in (built / "docs" / "articles").rglob("*.md") if f"id: {fm['id']}" in p.read_text("utf-8"))
    body = md.read_text("utf-8").split("---\n", 2)[2]
    return "\n".join([fm["title"], fm["subtitle"] or "", *fm["authors"], body.replace("\\", ""), *fm["captions"]])


def overlaps(date: str | None, low: str, high: str) -> bool:
    if not date:
        return False
    start = date + {4: "-01-01", 7: "-01"}.get(len(date), "")
    end = date + {4: "-12-31", 7: "-31"}.get(len(date), "")
    return start <= high and end >= low


@pytest.fixture(params=["http", "file"])
def base(request, served, built):
    return served if request.param == "http" else (built / "site").as_uri() + "/"


def search(page, base, **params) -> list[str]:
    page.goto(base + "search.html?" + urllib.parse.urlencode(params))
    page.locator(".qz-search__status").filter(has_text=re.compile("找到|没有")).wait_for(timeout=20000)
    page.wait_for_selector("[data-counts='complete']", state="attached", timeout=20000)
    return page.locator(RESULTS).all_inner_texts()


def test_a_query_with_a_range_keeps_the_articles_whose_period_overlaps_it(base, built, page):
    titles = search(page, base, q="营商环境", **{"from": "2023", "to": "2023-12-31"})
    want = {fm["title"] for fm in front_matters(built)
            if "营商环境" in text_of(built, fm) and overlaps(fm["date"], "2023-01-01", "2023-12-31")}
    assert want and set(titles) == want
    everything = search(page, base, q="营商环境")
    assert len(everything) > len(titles)  # the range took some away
    assert not page.errors


def test_a_month_dated_article_is_kept_when_its_month_overlaps_the_range(base, built, page):
    titles = search(page, base, **{"from": "2022-08-15", "to": "2022-08-20"})  # a range alone, no query
    want = {fm["title"] for fm in front_matters(built) if overlaps(fm["date"], "2022-08-15", "2022-08-20")}
    assert want and set(titles) == want
    assert all(fm["date_precision"] == "month" for fm in front_matters(built) if fm["title"] in want)
    assert page.locator(".qz-result__meta, .qz-result").first.inner_text().count("2022年8月") >= 1


def test_the_other_filters_count_within_the_range(base, page):
    search(page, base, q="营商环境", **{"from": "2023", "to": "2023"})
    years = page.locator("[data-qz-filter='年份']")
    labels = [years.nth(i).locator("xpath=..").inner_text() for i in range(years.count())]
    counted = {re.sub(r"\s*\(\d+\)$", "", t).strip(): int(re.search(r"\((\d+)\)", t).group(1)) for t in labels}
    assert {y for y, n in counted.items() if n > 0} == {"2023"}
    assert sum(counted.values()) == page.locator(RESULTS).count()


def test_the_range_boxes_follow_and_set_the_address(base, page):
    search(page, base, q="营商环境", **{"from": "2023"})
    assert page.locator("#qz-range-from").input_value() == "2023"
    box = page.locator("#qz-range-to")
    box.fill("2023-04")
    box.press("Enter")
    page.wait_for_url(re.compile(r"to=2023-04"))
    page.wait_for_selector("[data-counts='complete']", state="attached")
    dates = page.locator(".qz-result").all_inner_texts()
    assert dates and all(re.search(r"2023年[1-4]月", d) for d in dates)
    box.fill("去年")
    box.press("Enter")
    assert box.get_attribute("aria-invalid") == "true"
    assert "不是日期" in page.locator("#qz-range-hint").inner_text()
    assert "to=2023-04" in page.url  # the bad value is not applied


def test_a_query_in_traditional_characters_finds_what_the_simplified_one_finds(base, page):
    simplified = search(page, base, q="营商环境")
    traditional = search(page, base, q="營商環境")
    assert traditional == simplified and len(simplified) >= 5
    assert "營商環境" in page.title()  # the query as the reader typed it
    assert set(page.locator(".qz-result__excerpt mark").all_inner_texts()) == {"营商环境"}
    longyou = search(page, base, q="龙游")
    assert search(page, base, q="龍游") == longyou and longyou
    href = page.locator(RESULTS).first.get_attribute("href")
    assert "hl=" in href and "龙游" in urllib.parse.unquote(href)  # both forms, for the article's marks


def test_the_query_side_folds_as_the_index_side(base, page):
    search(page, base, q="营商")
    for text in ["龍游縣衢江區", "營商環境 優化", "乾隆裡着", "衞生", "abc 123", "衢州市"]:
        js = page.evaluate("t => window.QzSearchTokens.normalise(t)", text)
        assert js == bigrams.normalise(text), text
        assert page.evaluate("t => window.QzSearchTokens.encodeQuery(t)", text) == bigrams.encode_query(text)


def test_simplified_and_traditional_text_index_the_same_bigrams():
    assert bigrams.bigram_tokens("龍游縣衢江區的營商環境") == bigrams.bigram_tokens("龙游县衢江区的营商环境")
    assert bigrams.encode_query("衢江區") == bigrams.encode_query("衢江区")


def test_the_folding_table_is_small_and_loaded_by_the_search_page_only(built):
    site = built / "site"
    table = (site / bigrams.FOLD_SCRIPT).read_bytes()
    assert len(gzip.compress(table)) <= 50_000
    pairs = re.search(r'QZ_FOLD_PAIRS = "([^"]*)"', table.decode("utf-8")).group(1)
    assert dict(zip(pairs[::2], pairs[1::2])) == bigrams.fold_table()
    loaders = [p.relative_to(site).as_posix() for p in site.rglob("*.html")
               if "js/fold.js" in p.read_text("utf-8")]
    assert loaders == ["search.html"]
