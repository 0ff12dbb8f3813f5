"""The reader's browse pages on the real built sample site, in headless Chromium, over http
(under a sub-path, as GitHub Pages serves it) and from file:// (the USB stick)."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from build_archive.site import datafiles

ARTICLE_LINKS = "article a[href*='articles/']"


def front_matters(built: Path) -> list[dict]:
    out = []
    for path in sorted((built / "docs" / "articles").rglob("*.md")):
        meta = yaml.safe_load(path.read_text("utf-8").split("---\n", 2)[1])
        out.append({**meta, "url": path.relative_to(built / "docs").with_suffix(".html").as_posix()})
    return out


@pytest.fixture(params=["http", "file"])
def root(request, served, built):
    """The site's base URL, served or on disk."""
    return served if request.param == "http" else (built / "site").as_uri() + "/"


def count_in(text: str) -> int:
    return int(re.search(r"共 (\d+) 篇", text).group(1))


# --- home ------------------------------------------------------------------------------


def test_home_chart_shows_the_monthly_totals(root, built, page):
    articles = front_matters(built)
    per_month = Counter(a["date"][:7] for a in articles if a["date"] and len(a["date"]) >= 7)
    total = sum(per_month.values())
    assert total == 22  # every sample article has at least a month
    page.goto(root + "index.html")
    chart = page.locator(".qz-chart__wide svg")
    chart.wait_for()
    assert chart.is_visible() and not page.locator(".qz-chart__narrow svg").is_visible()
    box = chart.bounding_box()
    assert box["width"] > 800 and 200 < box["height"] < 500  # fills the column, not a stamp or a wall
    assert int(chart.get_attribute("data-total")) == total
    months = chart.locator(".qz-chart__month")
    bars = {months.nth(i).get_attribute("data-month"): int(months.nth(i).get_attribute("data-count"))
            for i in range(months.count())}
    assert bars == dict(per_month)
    series = chart.locator("path.qz-chart__series")
    by_district = Counter(a["districts"][0] for a in articles if a["date"])
    assert {series.nth(i).get_attribute("data-series"): int(series.nth(i).get_attribute("data-count"))
            for i in range(series.count())} == dict(by_district)
    legend = page.locator(".qz-legend li").all_inner_texts()
    assert sum(int(t.split()[-1]) for t in legend) == total
    assert f"共 {total} 篇" in page.locator(".qz-chart figcaption").inner_text()
    assert "2022年" in chart.inner_html() and "7月" in chart.inner_html()  # labelled in Chinese
    assert not page.errors


def test_home_chart_on_a_phone_is_the_narrow_drawing(browser, built):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto((built / "site" / "index.html").as_uri())
    narrow = page.locator(".qz-chart__narrow svg")
    narrow.wait_for()
    assert narrow.is_visible() and not page.locator(".qz-chart__wide svg").is_visible()
    assert 300 < narrow.bounding_box()["width"] <= 390
    assert narrow.get_attribute("data-total") == "22"
    # the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_home_latest_articles_and_counts(root, built, page):
    articles = front_matters(built)
    page.goto(root + "index.html")
    latest = page.locator("h2:has-text('最新文章') + ul > li > a")
    assert latest.count() == min(20, len(articles))
    newest = max(a["date"] for a in articles)
    assert latest.first.inner_text() in {a["title"] for a in articles if a["date"] == newest}
    stats = dict(zip(page.locator(".qz-stat span").all_inner_texts(), page.locator(".qz-stat strong").all_inner_texts()))
    assert stats["篇文章"] == str(len(articles))
    assert stats["位作者"] == str(len({n for a in articles for n in a["authors"]}))


# --- index pages -----------------------------------------------------------------------


@pytest.mark.parametrize("overview, field", [("districts/index.html", "districts"), ("themes/index.html", "themes")])
def test_index_counts_match_the_linked_articles(root, built, page, overview, field):
    articles = front_matters(built)
    page.goto(root + overview)
    rows = page.locator("article table").first.locator("tbody tr")
    entries = rows.evaluate_all("rows => rows.map(r => [r.cells[0].innerText, Number(r.cells[1].innerText), r.cells[0].querySelector('a').href])")
    assert len(entries) == len({n for a in articles for n in a[field]})
    for name, count, href in entries:
        expected = {a["url"] for a in articles if name in a[field]}
        assert count == len(expected), name
        page.goto(href)
        assert page.locator("h1").inner_text() == name
        assert count_in(page.locator("article").inner_text()) == count
        hrefs = page.locator(ARTICLE_LINKS).evaluate_all("links => links.map(a => a.href)")
        assert len(hrefs) == count
        assert {h.split("/repo/", 1)[-1].split("/site/", 1)[-1] for h in hrefs} == expected
    assert not page.errors


def test_author_pages_count_their_articles(served, built, page):
    articles = front_matters(built)
    page.goto(served + "authors/index.html")
    chips = page.locator(".qz-chiplist a")
    authors = {n for a in articles for n in a["authors"]}
    assert chips.count() == len(authors)
    entries = chips.evaluate_all("links => links.map(a => [a.firstChild.textContent, a.querySelector('.qz-count').textContent, a.href])")
    for name, count, href in entries:
        expected = sum(name in a["authors"] for a in articles)
        assert int(count) == expected, name
    name, count, href = entries[0]
    page.goto(href)
    assert page.locator("h1").inner_text() == name
    assert page.locator(ARTICLE_LINKS).count() == int(count) == count_in(page.locator("article").inner_text())


def test_calendar_day_links_resolve(root, built, page):
    articles = front_matters(built)
    years = sorted({a["date"][:4] for a in articles if a["date"]})
    checked = 0
    for year in years:
        page.goto(root + f"dates/{year}.html")
        links = page.locator(".qz-cal a[data-count]")
        targets = links.evaluate_all("links => links.map(a => [a.href, Number(a.dataset.count)])")
        assert sum(n for _, n in targets) == sum(1 for a in articles if a["date"] and a["date"].startswith(year))
        for href, count in targets:
            page.goto(href)
            anchor = urlsplit(href).fragment
            heading = page.locator(f"[id='{anchor}']")
            assert heading.is_visible(), href
            assert f"（{count}篇）" in heading.inner_text()
            assert heading.locator("xpath=following-sibling::ul[1]/li/a").count() == count
            month = re.search(r"dates/(\d{4})/(\d{2})\.html", href)
            assert month, href
            on_page = [a for a in articles if a["date"] and a["date"][:7] == f"{month[1]}-{month[2]}"]
            if anchor == "month":
                assert count == sum(a["date_precision"] == "month" for a in on_page)
            else:
                assert count == sum(a["date"] == f"{month[1]}-{month[2]}-{int(anchor[1:]):02d}" for a in on_page)
            checked += 1
    assert checked >= 5  # the day 2022-07-19 and four months known to the month only
    assert not page.errors


def test_month_page_calendar_and_neighbours(root, page):
    page.goto(root + "dates/2022/07.html")
    day = page.locator(".qz-cal a[data-count]")
    assert day.count() == 1 and day.inner_text().startswith("19")
    day.click()
    assert page.url.endswith("#d19")
    page.locator("a", has_text="2022年8月 →").click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith("dates/2022/08.html")
    assert "日期只精确到月（7篇）" in page.locator("article").inner_text()


def test_dates_overview_counts_link_to_month_pages(root, built, page):
    articles = front_matters(built)
    page.goto(root + "dates/index.html")
    cells = page.locator("table.qz-months td a[data-count]")
    pairs = cells.evaluate_all("links => links.map(a => [a.href, Number(a.dataset.count)])")
    per_month = Counter(a["date"][:7] for a in articles if a["date"] and len(a["date"]) >= 7)
    assert {re.search(r"(\d{4})/(\d{2})\.html$", h).expand(r"\1-\2"): n for h, n in pairs} == dict(per_month)
    href, count = pairs[0]
    page.goto(href)
    assert page.locator(ARTICLE_LINKS).count() == count == count_in(page.locator("article").inner_text())


def test_district_theme_table_opens_the_matching_search(root, built, page):
    articles = front_matters(built)
    page.goto(root + "themes/index.html")
    link = page.locator("article table a[href*='search.html?']").first
    count = int(link.inner_text())
    link.click()
    page.locator(".qz-search__status", has_text=re.compile("找到")).wait_for()
    params = dict(re.findall(r"([^?&=]+)=([^&]+)", unquote(page.url)))
    expected = {a["title"] for a in articles if params["区县"] in a["districts"] and params["主题"] in a["themes"]}
    assert len(expected) == count
    assert set(page.locator(".qz-result__title").all_inner_texts()) == expected
    assert not page.errors


# --- data files --------------------------------------------------------------------------


def test_data_files_linked_from_home_parse_and_match(root, built, page):
    articles = front_matters(built)
    page.goto(root + "index.html")
    json_href = page.locator("a", has_text="articles.json").get_attribute("href")
    csv_link = page.locator("a", has_text="articles.csv")
    assert not json_href.startswith("/") and not csv_link.get_attribute("href").startswith("/")
    with page.expect_download() as download:
        csv_link.click()
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))
    page.goto(urljoin(page.url, json_href))
    rows = json.loads(page.locator("body").inner_text())
    assert len(rows) == len(table) == len(articles) == 22
    by_url = {a["url"]: a for a in articles}
    assert {r["url"] for r in rows} == {r["url"] for r in table} == set(by_url)
    for row in rows:  # every front-matter field, as written (but the citation downloads: page furniture)
        assert {k: v for k, v in row.items() if k != "url"} == {
            k: v for k, v in by_url[row["url"]].items() if k != "url" and k not in datafiles.NOT_DATA}
    for row in table:
        assert row["title"] == by_url[row["url"]]["title"]
        assert row["districts"] == "；".join(by_url[row["url"]]["districts"])
        assert (built / "site" / row["url"]).is_file()


# --- every link of every browse page ----------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_every_link_on_the_browse_pages_resolves(built):
    site = built / "site"
    pages = [site / "index.html", *[p for d in ("districts", "themes", "authors", "dates") for p in (site / d).rglob("*.html")]]
    assert len(pages) > 50
    cache: dict[Path, _Links] = {}
    checked = 0
    for path in pages:
        for href in parsed(path).hrefs:
            if re.match(r"[a-z]+:", href) or href.startswith("#") and len(href) == 1:
                continue
            url = urlsplit(href)
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            assert target.is_file(), f"{path.relative_to(site)}: {href}"
            if url.fragment and target.suffix == ".html":
                ids = cache.setdefault(target, parsed(target)).ids
                assert unquote(url.fragment) in ids, f"{path.relative_to(site)}: {href}"
            checked += 1
    assert checked > 500
