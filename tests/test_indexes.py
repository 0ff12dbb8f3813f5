"""Browse pages and data files as pure functions: counts, pagination that stays put, escaping."""
from __future__ import annotations

import csv
import datetime
import html
import io
import json
import random
import re
from collections import Counter
from dataclasses import replace
from urllib.parse import parse_qs

import markdown
import pytest
import yaml

from build_archive import addresses
from build_archive.site import datafiles, indexes, render
from build_archive.models import Article

DISTRICTS = list(addresses.DISTRICT_SLUGS)
THEMES = ["工业经济", "营商环境", "招商引资与项目", "文化旅游", "民生与社会事业"]
AUTHORS = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
LINK = re.compile(r"\]\(((?:\.\./)*articles/[^)]+)\.md\)")


def article(i: int, date: str | None, precision: str | None = None, **fields) -> Article:
    precision = precision or (None if date is None else {10: "day", 7: "month", 4: "year"}[len(date)])
    fields.setdefault("title", f"标题{i}")
    a = Article(source=f"page{i // 10:04d}.txt", line=i % 10 + 1, ordinal=i % 10 + 1,
                body=f"正文{i}", date=date, date_precision=precision, **fields)
    return replace(a, slug=addresses.article_slug(a))


def corpus(n: int, seed: int = 1, start: datetime.date = datetime.date(2018, 1, 1), days: int = 1500) -> list[Article]:
    """n articles over ~4 years: most dated to the day, some to the month or year, a few undated."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = (start + datetime.timedelta(days=rng.randrange(days))).isoformat()
        roll = rng.random()
        date = day if roll < .85 else day[:7] if roll < .94 else day[:4] if roll < .97 else None
        out.append(article(i, date, districts=tuple(rng.sample(DISTRICTS, rng.choice([0, 1, 1, 2]))),
                           themes=tuple(rng.sample(THEMES, rng.choice([1, 2]))),
                           authors=tuple(rng.sample(AUTHORS, rng.choice([0, 1, 2])))))
    return out


def linked(text: str) -> list[str]:
    """Article slugs linked from a generated page (ids, not paths relative to the page)."""
    return [m.split("articles/", 1)[1] for m in LINK.findall(text)]


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n", 2)[1])


def listing_files(files: dict[str, str], base: str) -> dict[str, str]:
    """A list's landing page and its older pages."""
    return {p: t for p, t in files.items() if p == f"{base}.md" or re.fullmatch(re.escape(base) + r"/\d+\.md", p)}


def slug_id(a: Article) -> str:
    return a.slug.split("articles/", 1)[1]


# --- pagination -------------------------------------------------------------------


def test_pages_fill_from_the_oldest():
    articles = indexes.chronological(corpus(45))
    pages = indexes.paginate(articles, 10)
    assert [len(p) for p in pages] == [10, 10, 10, 10, 5]
    assert [a for p in pages for a in p] == articles


def test_a_day_stays_on_one_page_unless_bigger_than_a_page():
    days = ["2022-07-01"] * 4 + ["2022-07-02"] * 5 + ["2022-07-03"] * 12 + ["2022-07-04"] * 2
    articles = indexes.chronological([article(i, d) for i, d in enumerate(days)])
    pages = indexes.paginate(articles, 10, indexes.day_key)
    assert [[a.date[-2:] for a in p] for p in pages] == [
        ["01"] * 4 + ["02"] * 5, ["03"] * 10, ["03"] * 2 + ["04"] * 2]


def test_an_empty_list_is_one_empty_page():
    assert indexes.paginate([], 10) == [[]]


def is_older_page(path: str) -> bool:
    """`districts/衢江区/3.md`, `dates/2022/07/2.md`; not a month's landing `dates/2022/07.md`."""
    return bool(re.fullmatch(r"(?:(?:districts|themes|authors)/[^/]+|dates/(?:undated|\d{4}/(?:\d{2}|only-year)))/\d+\.md", path))


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {p for p in after if before.get(p) != after[p]} | (before.keys() - after.keys())


@pytest.mark.parametrize("size", [400, 4000])
def test_adding_a_days_articles_rewrites_o1_pages_per_list(size):
    """Issue 8: a new day's 30 articles change the landing page and at most two older pages
    of each list they join (the last older page gains a 'newer' link, a new page appears),
    plus the overviews; never the pages further back."""
    old = corpus(size)
    new_day = [article(100_000 + i, "2022-06-01", districts=(DISTRICTS[i % 3],), themes=(THEMES[i % 2],),
                       authors=(AUTHORS[i % 2],)) for i in range(30)]
    before = indexes.build_indexes(old, page_size=10)
    after = indexes.build_indexes(old + new_day, page_size=10)
    diff = changed(before, after)
    older_pages = [p for p in diff if is_older_page(p)]
    by_list = Counter(p.rsplit("/", 1)[0] for p in older_pages)
    assert by_list and all(n <= 3 for n in by_list.values()), by_list  # new pages + one forward link
    for base, n in by_list.items():
        numbers = sorted(int(p.rsplit("/", 1)[1][:-3]) for p in older_pages if p.rsplit("/", 1)[0] == base)
        count = len([p for p in after if p.rsplit("/", 1)[0] == base and is_older_page(p)])
        assert numbers == list(range(count - n + 1, count + 1)), (base, numbers)  # only the newest ones
    landings = {p for p in diff if p not in older_pages}
    assert len(landings) <= 3 + 2 + 2 + 15, sorted(landings)  # groups joined + month + year + overviews
    assert len(diff) < 45  # the same bound for 400 and 4000 articles: O(1)


def test_one_newer_article_changes_only_the_landing_and_last_page():
    old = [article(i, f"2022-07-{i % 28 + 1:02d}", districts=("衢江区",), themes=("工业经济",)) for i in range(25)]
    newer = article(99, "2022-08-02", districts=("衢江区",), themes=("工业经济",))
    before = indexes.build_indexes(old, page_size=10)
    after = indexes.build_indexes(old + [newer], page_size=10)
    district = {p for p in changed(before, after) if p.startswith("districts/衢江区")}
    assert district == {"districts/衢江区.md"}  # 26 articles: pages 1, 2 untouched, page 3 is the landing
    # the 31st article starts a new page: page 3 appears, page 2 links forward to it
    more = [article(100 + i, "2022-08-03", districts=("衢江区",), themes=("工业经济",)) for i in range(5)]
    again = indexes.build_indexes(old + [newer] + more, page_size=10)
    assert {p for p in changed(after, again) if p.startswith("districts/衢江区")} == {
        "districts/衢江区.md", "districts/衢江区/2.md", "districts/衢江区/3.md"}


# --- counts and links ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    articles = corpus(260, seed=7)
    return articles, indexes.build_indexes(articles, page_size=10)


def test_every_group_lists_each_of_its_articles_once_with_the_right_count(sample):
    articles, files = sample
    groups = {
        **{f"districts/{d}": [a for a in articles if d in (a.districts or (indexes.NO_DISTRICT,))]
           for d in DISTRICTS + [indexes.NO_DISTRICT]},
        **{f"themes/{t}": [a for a in articles if t in a.themes] for t in THEMES},
        **{f"authors/{n}": [a for a in articles if n in a.authors] for n in AUTHORS},
    }
    for base, members in groups.items():
        pages = listing_files(files, base)
        assert len(pages) > 1, base  # paginated at this page size
        listed = [slug for text in pages.values() for slug in linked(text)]
        assert sorted(listed) == sorted(slug_id(a) for a in members), base
        assert f"共 **{len(members)}** 篇文章" in pages[f"{base}.md"]
        assert all(len(linked(t)) <= 10 for t in pages.values())


def test_lists_are_newest_first(sample):
    articles, files = sample
    order = {slug_id(a): i for i, a in enumerate(indexes.chronological(articles))}
    checked = 0
    for path, text in files.items():
        positions = [order[s] for s in linked(text)]
        assert positions == sorted(positions, reverse=True), path
        checked += len(positions) > 1
    assert checked > 50


def test_every_article_has_exactly_one_place_in_the_date_pages(sample):
    articles, files = sample
    places = Counter(s for p, t in files.items() if p.startswith("dates/") for s in linked(t)
                     if not re.fullmatch(r"dates/\d{4}\.md", p))
    assert places == Counter(slug_id(a) for a in articles)
    for a in articles:
        where = [p for p, t in files.items() if p.startswith("dates/") and slug_id(a) in linked(t)]
        if a.date is None:
            assert all(p.startswith("dates/undated") for p in where)
        elif a.date_precision == "year":
            assert all(p.startswith(f"dates/{a.date}/only-year") for p in where)
        else:
            assert all(p.startswith(f"dates/{a.date[:4]}/{a.date[5:7]}") for p in where)


def test_month_only_dates_are_listed_as_such(sample):
    articles, files = sample
    a = next(a for a in articles if a.date_precision == "month")
    month_pages = [t for p, t in files.items() if p.startswith(f"dates/{a.date[:4]}/{a.date[5:7]}") and slug_id(a) in linked(t)]
    text = month_pages[0]
    section = text.split("日期只精确到月", 1)[1]
    assert "{ #month }" in section.splitlines()[0] and slug_id(a) in linked(section)


def test_calendar_links_land_on_the_page_and_anchor_of_that_day(sample):
    articles, files = sample
    checked = 0
    for path, text in files.items():
        if not re.fullmatch(r"dates/\d{4}\.md", path):
            continue
        for href, count in re.findall(r'<a href="([^"]+)" title="[^"]+" data-count="(\d+)"', text):
            target, anchor = href.split("#")
            page = resolve(path, target.replace(".html", ".md"))
            assert page in files, href
            day = int(anchor[1:])
            heading = re.search(rf"^## \d+月{day}日 .*（(\d+)篇） {{ #{anchor} }}$", files[page], re.M)
            assert heading and heading.group(1) == count, (path, href)
            checked += 1
    assert checked > 100


def resolve(from_page: str, link: str) -> str:
    parts = from_page.split("/")[:-1]
    for piece in link.split("/"):
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def test_every_markdown_link_points_to_a_generated_page(sample):
    articles, files = sample
    known = set(files) | {f"{a.slug}.md" for a in articles} | {"about.md", datafiles.JSON_PATH, datafiles.CSV_PATH}
    for path, text in files.items():
        for link in re.findall(r"\]\(([^)#?]+\.(?:md|json|csv))[)#?]", text):
            assert resolve(path, link) in known, (path, link)
        for link in re.findall(r'href="([^"#]+)\.html', text):
            assert resolve(path, link + ".md") in known, (path, link)


def test_cross_table_counts_and_search_links(sample):
    articles, files = sample
    text = files["themes/index.md"].split("{ #cross }", 1)[1]
    links = re.findall(r'<a href="\.\./search\.html\?([^"]+)" data-count="(\d+)"', text)
    assert len(links) > 20
    for query, count in links:
        q = parse_qs(html.unescape(query))
        expected = sum(q["区县"][0] in a.districts and q["主题"][0] in a.themes for a in articles)
        assert int(count) == expected and q["sort"] == ["date"]


def test_home_counts_and_chart_total(sample):
    articles, files = sample
    home = files["index.md"]
    month_dated = sum(1 for a in articles if a.date and len(a.date) >= 7)
    assert f'<figure class="qz-chart" data-total="{month_dated}">' in home
    assert re.search(rf'<svg [^>]*data-total="{month_dated}"', home)
    assert f"<strong>{len(articles)}</strong><span>篇文章</span>" in home
    assert f"({datafiles.JSON_PATH})" in home and f"({datafiles.CSV_PATH})" in home
    newest = indexes.newest_first(articles)[:indexes.LATEST_ON_HOME]
    latest = home.split("## 最新文章", 1)[1].split("## ", 1)[0]
    assert linked(latest) == [slug_id(a) for a in newest]


def test_same_pages_whatever_the_input_order(sample):
    articles, files = sample
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    assert indexes.build_indexes(shuffled, page_size=10) == files


# --- hostile names --------------------------------------------------------------------


HOSTILE = ["../../etc/passwd", "<script>alert(1)</script>", "index", "A/B", "a b", "[x](y)", "Ab", "ab", "张三"]


def test_hostile_author_names_stay_in_authors_and_are_escaped():
    articles = [article(i, "2022-07-19", authors=(name,), title=f"**{name}** <b>x</b>") for i, name in enumerate(HOSTILE)]
    files = indexes.build_indexes(articles)
    author_pages = [p for p in files if p.startswith("authors/") and p != "authors/index.md"]
    assert len(author_pages) == len(HOSTILE)  # "Ab" and "ab" apart even on a case-blind USB stick
    assert len({p.lower() for p in author_pages}) == len(HOSTILE)
    for p in author_pages:
        assert re.fullmatch(r"authors/(张三|n-[0-9a-f]{10})\.md", p), p
    for path, text in files.items():
        rendered = markdown.markdown(text.split("---\n", 2)[2], extensions=["attr_list", "tables", "toc"])
        assert "<script>" not in rendered and "<b>x</b>" not in rendered, path
        assert front(text)["title"]  # front matter parses
    index = files["authors/index.md"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


# --- data files ---------------------------------------------------------------------------


def test_data_files_have_one_record_per_article_with_every_field(sample):
    articles, _ = sample
    data = datafiles.data_files(articles)
    rows = json.loads(data[datafiles.JSON_PATH])
    assert len(rows) == len(articles)
    assert {r["url"] for r in rows} == {f"{a.slug}.html" for a in articles}
    fields = [k for k in render.front_matter(articles[0]) if k not in datafiles.NOT_DATA] + ["url"]
    assert all(list(r) == fields for r in rows)
    text = data[datafiles.CSV_PATH]
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == fields and len(table) == len(articles) + 1
    by_url = {r["url"]: r for r in rows}
    for line in table[1:]:
        record = dict(zip(fields, line))
        source = by_url[record["url"]]
        assert record["themes"] == "；".join(source["themes"])
        assert record["date"] == (source["date"] or "")


def test_data_files_keep_hostile_titles_intact():
    titles = ['逗号,引号"和\n换行', "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "-2", "<script>x</script>", "；分号；"]
    articles = [article(i, "2022-07-19", title=t, authors=("张三", "李四")) for i, t in enumerate(titles)]
    data = datafiles.data_files(articles)
    rows = json.loads(data[datafiles.JSON_PATH])
    assert sorted(r["title"] for r in rows) == sorted(titles)
    table = list(csv.DictReader(io.StringIO(data[datafiles.CSV_PATH].lstrip("\ufeff"))))
    got = sorted(r["title"] for r in table)
    # formulas are defused for spreadsheets with a leading quote; everything else is verbatim
    assert got == sorted("'" + t if t[0] in "=+-@" else t for t in titles)
    assert all(r["authors"] == "张三；李四" for r in table)


def test_data_files_are_deterministic(sample):
    articles, _ = sample
    shuffled = list(articles)
    random.Random(5).shuffle(shuffled)
    assert datafiles.data_files(shuffled) == datafiles.data_files(articles)
