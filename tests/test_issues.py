"""Issue 23: the issue view — each paper, its issues, each issue page by page.

Pure tests on synthetic archives (what goes into which issue, in which order, what a new day
changes), and the real sample site in Chromium over http and file:// (the article page's
paper · page line opens its issue at that page; the 报纸 tab reaches every issue).
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import replace
from pathlib import Path

import pytest

from build_archive import addresses
from build_archive.models import Article
from build_archive.site import issues


def article(n: int, paper: str | None = "今日衢江", date: str | None = "2022-07-19", page: str | None = None,
            ordinal: int = 1, title: str | None = None, source: str | None = None) -> Article:
    precision = {10: "day", 7: "month", 4: "year"}.get(len(date or ""), None)
    made = Article(source=source or f"p{n}.txt", line=1, ordinal=ordinal, title=title or f"标题{n}",
                   body=f"第{n}篇的第一段。\n\n## 小标题\n\n后文。", paper=paper, page=page, date=date,
                   date_precision=precision)
    return replace(made, slug=addresses.article_slug(made))


def issue_pages(files: dict[str, str]) -> dict[str, str]:
    return {path: text for path, text in files.items() if re.fullmatch(r"papers/[^/]+/\d{4}-\d{2}-\d{2}\.md", path)}


def test_an_issue_lists_its_pages_in_printed_order_and_each_page_s_articles_in_page_order():
    items = [article(1, page="00003 综合新闻", ordinal=2, source="p3.txt"), article(2, page="00001 要闻", ordinal=1),
             article(3, page="00003 综合新闻", ordinal=1, source="p3.txt"), article(4, page="00012 专版"), article(5, page=None)]
    text = issues.issue_files(items)["papers/今日衢江/2022-07-19.md"]
    assert text.startswith("---\ntitle: 今日衢江 2022年7月19日\n")
    heads = re.findall(r"^## (.+?) \{ #(p[\w-]+) \}", text, re.M)
    assert heads == [("第1版 要闻", "p1"), ("第3版 综合新闻", "p3"), ("第12版 专版", "p12"), ("版面不详", "p-unknown")]
    third = text.split("{ #p3 }")[1].split("## ")[0]
    assert third.index("标题3") < third.index("标题1")  # the order printed on the page
    assert "第3篇的第一段。" in third and "小标题" not in third  # the first line, not a section head


def test_no_article_is_guessed_into_an_issue():
    items = [article(1), article(2, date="2022-07"), article(3, date="2022"), article(4, date=None),
             article(5, paper=None), article(6, paper=None, date=None)]
    files = issues.issue_files(items)
    assert list(issue_pages(files)) == ["papers/今日衢江/2022-07-19.md"]
    paper = files["papers/今日衢江.md"]
    undated = paper.split("## 日期不详（3篇）")[1]
    assert all(f"标题{n}" in undated for n in (2, 3, 4)) and "标题1" not in undated
    unknown = files["papers/unknown.md"]
    assert "标题5" in unknown and "标题6" in unknown
    assert "| [报名不详](unknown.md) | — | 2 | — |" in files["papers/index.md"]
    assert [addresses.issue_link(a) for a in items] == [
        "papers/今日衢江/2022-07-19.html#p-unknown", None, None, None, None, None]


def test_a_new_day_adds_one_issue_page_and_leaves_every_older_one_as_it_was():
    days = [f"2022-07-{d:02d}" for d in range(1, 11)]
    archive = [article(i, date=day, page=f"0000{1 + i % 3} 版", ordinal=i) for i, day in enumerate(days * 3)]
    before = issues.issue_files(archive)
    after = issues.issue_files(archive + [article(99, date="2022-07-11", page="00001 要闻"),
                                          article(98, date="2022-07-11", page="00002 要闻")])
    added = set(issue_pages(after)) - set(issue_pages(before))
    assert added == {"papers/今日衢江/2022-07-11.md"}
    assert all(after[path] == text for path, text in issue_pages(before).items())
    changed = {path for path in before if after[path] != before[path]}
    assert changed == {"papers/今日衢江.md", "papers/index.md"}
    assert "上一期（2022年7月10日）" in after["papers/今日衢江/2022-07-11.md"]


def test_papers_are_kept_apart_and_their_calendars_link_only_their_issues():
    items = [article(1, paper="今日衢江", date="2022-07-19"), article(2, paper="今日龙游", date="2022-07-19"),
             article(3, paper="今日龙游", date="2021-01-05")]
    files = issues.issue_files(items)
    assert set(issue_pages(files)) == {"papers/今日衢江/2022-07-19.md", "papers/今日龙游/2022-07-19.md",
                                       "papers/今日龙游/2021-01-05.md"}
    longyou = files["papers/今日龙游.md"]
    assert longyou.index("## 2022年") < longyou.index("## 2021年")
    linked = set(re.findall(r'href="(今日龙游/[\d-]+\.html)', longyou))
    assert linked == {"今日龙游/2022-07-19.html", "今日龙游/2021-01-05.html"}


# --- the sample site, in the browser ------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def base(request, served, built):
    return served if request.param == "http" else (built / "site").as_uri() + "/"


def test_an_article_s_paper_line_opens_its_issue_at_its_page(base, built, page):
    pages = sorted((built / "site" / "articles").rglob("*.html"))
    with_issue = [p for p in pages if 'class="qz-issue-link"' in p.read_text("utf-8")]
    assert with_issue, "no article of the samples is in an issue"
    target = with_issue[0].relative_to(built / "site").as_posix()
    page.goto(base + urllib.parse.quote(target))
    title = page.locator("h1").inner_text()
    page.locator("a.qz-issue-link").click()
    page.wait_for_load_state()
    assert re.search(r"/papers/.+/\d{4}-\d{2}-\d{2}\.html#p[\w-]+$", urllib.parse.unquote(page.url))
    assert re.fullmatch(r"今日衢江 \d{4}年\d{1,2}月\d{1,2}日", page.locator("h1").inner_text())
    anchor = urllib.parse.urlparse(page.url).fragment
    assert page.locator(f"[id='{anchor}']").count() == 1
    assert page.get_by_role("link", name=title).count() == 1
    assert not page.errors


def test_the_papers_tab_reaches_every_issue(base, page):
    page.goto(base + "index.html")
    page.get_by_role("link", name="报纸").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "按报纸浏览"
    page.get_by_role("link", name="今日衢江").first.click()
    page.wait_for_load_state()
    days = page.locator("td.qz-cal__has a")
    assert days.count() == 1
    days.first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "今日衢江 2022年7月19日"
    assert page.locator("article a[href*='articles/'], .md-content a[href*='articles/']").count() >= 6
    assert not page.errors


# --- a new day, through a real incremental build -----------------------------------------------


def test_a_new_day_adds_one_issue_page_and_the_older_ones_stay_byte_identical(tmp_path):
    """Two days of a synthetic paper built, then a third day added and built again with the
    cache (an incremental build): one issue page more, the older issue pages unchanged."""
    import contextlib
    import io

    from build_archive import bench, cli

    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    bench.write_corpus(bench.synthetic_corpus(2 * bench.ARTICLES_PER_DAY, seed=3), corpus)

    def build() -> dict[str, bytes]:
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.build(corpus, tmp_path / "site", tmp_path / "docs", cache_dir=cache) == 0
        papers = tmp_path / "site" / "papers"
        return {p.relative_to(papers).as_posix(): p.read_bytes() for p in sorted(papers.rglob("*.html"))}

    before = build()
    issues_before = {rel for rel in before if re.fullmatch(r"[^/]+/\d{4}-\d{2}-\d{2}\.html", rel)}
    assert len(issues_before) >= 2
    bench.write_corpus(bench.day_pages(2, seed=3), corpus)  # the third day (days count from 0)
    after = build()
    issues_after = {rel for rel in after if re.fullmatch(r"[^/]+/\d{4}-\d{2}-\d{2}\.html", rel)}
    added = issues_after - issues_before
    assert len(added) == len({rel.split("/")[0] for rel in added}) >= 1  # one new issue a paper printing that day
    assert all(after[rel] == before[rel] for rel in issues_before)
