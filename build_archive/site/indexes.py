"""Generated browse pages (pure): home, districts, themes, authors, dates, search.

Readers reach articles through these pages and search, never through `nav`:
MkDocs renders the nav into every page, so listing articles there makes the
build O(n²) (../shared/GUIDE.md §2).

Long lists are paginated so that new articles rewrite O(1) pages per list:
pages are anchored at the OLDEST article (page 1 holds the oldest PAGE_SIZE,
page 2 the next ones …), the newest page is shown on the list's landing page,
and older pages never change when newer articles arrive (only the page just
before the landing gains a "newer" link when a new page starts). Month lists
keep a day's articles together on one page. Everything is O(n log n).
"""
from __future__ import annotations

import calendar
import functools
import html
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlencode

import yaml

from build_archive.site import chart, datafiles
from build_archive.extract import dates
from build_archive.models import Article
from build_archive.addresses import DISTRICT_SLUGS, name_slug
from build_archive.site.render import escape_markdown

PAGE_SIZE = 100
LATEST_ON_HOME = 20
UNDATED = "日期不详"
NO_DISTRICT = "未标注区县"
MONTH_ONLY = "month"  # the day key of articles dated to the month only
WEEKDAYS = "一二三四五六日"
DISTRICT_ORDER = (*DISTRICT_SLUGS, NO_DISTRICT)  # 衢州市, then the six districts
DISTRICT_COLOURS = {**dict(zip(DISTRICT_SLUGS, chart.PALETTE)), NO_DISTRICT: chart.OTHER_COLOUR}
# Names that may be used as file names as they are; anything else is hashed. CJK only:
# no path syntax, and no two names that a case-insensitive USB stick would merge.

chronological = datafiles.chronological


def newest_first(articles: Iterable[Article]) -> list[Article]:
    return chronological(list(articles))[::-1]


# --- paths and links ------------------------------------------------------------


def _link(from_page: str, to_page: str) -> str:
    """Relative Markdown link between two docs pages (MkDocs turns .md into .html).

    String work only: posixpath.relpath asks the OS for the working directory
    on every call, which dominated the time of 100,000-article builds.
    """
    here, there = from_page.split("/")[:-1], to_page.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def _href(from_page: str, to_page: str, fragment: str = "") -> str:
    """Relative link for raw HTML, where MkDocs rewrites nothing: `.html`, escaped."""
    target = _link(from_page, to_page)
    if target.endswith(".md"):
        target = target[:-3] + ".html"
    return html.escape(target + (f"#{fragment}" if fragment else ""))


def search_link(from_page: str, **filters: str) -> str:
    """The search page with filters set, newest first: the URL state of docs/assets/javascripts/search.js
    (an empty query with filters lists every article that has them)."""
    return f"{_link(from_page, 'search.md')}?{urlencode([*filters.items(), ('sort', 'date')])}"


def search_href(from_page: str, **filters: str) -> str:
    return html.escape(f"{_href(from_page, 'search.md')}?{urlencode([*filters.items(), ('sort', 'date')])}")


def page(title: str, body: str, **meta) -> str:
    front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n# {escape_markdown(title)}\n\n{body}\n"


def month_of(article: Article) -> str | None:
    return article.date[:7] if article.date and len(article.date) >= 7 else None


def day_key(article: Article) -> str:
    """The day ("2022-07-19"), or MONTH_ONLY for an article dated to the month only."""
    return article.date if article.date and len(article.date) == 10 else MONTH_ONLY


def display_date(article: Article) -> str:
    return _display(article.date, article.date_precision)


@functools.lru_cache(maxsize=None)
def _display(value: str | None, precision: str | None) -> str:
    return dates.display(value, precision)


def span_text(articles: list[Article]) -> str:
    """`2022年7月19日—2022年8月` for a chronological list."""
    first, last = display_date(articles[0]), display_date(articles[-1])
    return first if first == last else f"{first}—{last}"


# --- article lists --------------------------------------------------------------


def article_line(article: Article, from_page: str, with_date: bool = True, district: str | None = None) -> str:
    """One list line: date, kind, title, districts. On a district's own page (`district`) the
    line names only the article's other districts, if any."""
    title = escape_markdown(article.title)
    kind = f'<span class="qz-kind">{html.escape(article.type)}</span> ' if article.type != "新闻" else ""
    when = f'<span class="qz-when">{html.escape(display_date(article))}</span> ' if with_date else ""
    link = f'- {when}{kind}[{title}]({_link(from_page, article.slug + ".md")})'
    if district is None:
        return f'{link} <span class="qz-where">{html.escape("、".join(article.districts[:3]) or NO_DISTRICT)}</span>'
    others = [d for d in article.districts if d != district][:3]
    return f'{link} <span class="qz-where">也涉及{html.escape("、".join(others))}</span>' if others else link


def article_list(articles: Iterable[Article], from_page: str, with_date: bool = True,
                 district: str | None = None) -> str:
    """Newest first, one line per article."""
    lines = [article_line(a, from_page, with_date, district) for a in newest_first(articles)]
    return "\n".join(lines) if lines else "（暂无文章）"


def day_heading(key: str, count: int) -> str:
    if key == MONTH_ONLY:
        return f"## 日期只精确到月（{count}篇） {{ #{MONTH_ONLY} }}"
    year, month, day = (int(p) for p in key.split("-"))
    weekday = WEEKDAYS[calendar.weekday(year, month, day)]
    return f"## {month}月{day}日 星期{weekday}（{count}篇） {{ #d{day} }}"


def by_day_list(articles: list[Article], from_page: str) -> str:
    """Newest day first, a heading per day; month-only articles last, said so."""
    parts = []
    for key, group in groupby(newest_first(articles), key=day_key):
        group = list(group)
        note = "\n\n这些文章只知道刊登的月份，不知道具体哪一天。" if key == MONTH_ONLY else ""
        parts.append(f"{day_heading(key, len(group))}{note}\n\n{article_list(group, from_page, with_date=False)}")
    return "\n\n".join(parts) or "（暂无文章）"


# --- pagination -----------------------------------------------------------------


def paginate(articles: list[Article], size: int, unit: Callable[[Article], object] | None = None) -> list[list[Article]]:
    """Chronological articles → pages, filled from the oldest.

    Articles with the same `unit` (consecutive) stay on one page unless the unit
    alone is bigger than a page. Appending newer articles never changes an
    earlier page's contents.
    """
    pages: list[list[Article]] = []
    current: list[Article] = []
    groups = ([a] for a in articles) if unit is None else (list(g) for _, g in groupby(articles, key=unit))
    for group in groups:
        if current and len(current) + len(group) > size:
            pages.append(current)
            current = []
        while len(group) > size:
            pages.append(group[:size])
            group = group[size:]
        current += group
    if current or not pages:
        pages.append(current)
    return pages


@dataclass(frozen=True)
class Listing:
    """One paginated list of articles: a landing page `{base}.md`, older pages `{base}/{k}.md`."""

    base: str
    title: str
    kind: str
    articles: list[Article]  # chronological
    intro: str = ""  # Markdown for the landing page, below the count
    by_day: bool = False  # month lists: grouped by day, a day kept on one page
    links: str = ""  # Markdown line of links under the count (e.g. previous/next month)
    header: str = ""  # raw HTML block (e.g. the month's calendar) above the list on the landing page

    @property
    def landing(self) -> str:
        return f"{self.base}.md"

    def pages(self, size: int) -> list[list[Article]]:
        return paginate(self.articles, size, day_key if self.by_day else None)

    def page_path(self, number: int, count: int) -> str:
        return self.landing if number == count else f"{self.base}/{number}.md"


def listing_files(listing: Listing, size: int) -> dict[str, str]:
    pages = listing.pages(size)
    count = len(pages)
    files = {listing.page_path(k, count): older_page(listing, pages, k) for k in range(1, count)}
    files[listing.landing] = landing_page(listing, pages)
    return files


def _list_body(listing: Listing, articles: list[Article], path: str) -> str:
    if listing.by_day:
        return by_day_list(articles, path)
    # a district's page does not repeat the district after every title
    return article_list(articles, path, district=listing.title if listing.kind == "district" else None)


def pager(listing: Listing, pages: list[list[Article]], number: int, path: str) -> str:
    count = len(pages)
    links = []
    if number < count:
        newer = "最新一页" if number + 1 == count else f"第 {number + 1} 页"
        links.append(f"[← 较新（{newer}）]({_link(path, listing.page_path(number + 1, count))})")
    if number > 1:
        links.append(f"[较早（第 {number - 1} 页）→]({_link(path, listing.page_path(number - 1, count))})")
    return " ".join(links) + "\n{ .qz-pager }" if links else ""


def older_page(listing: Listing, pages: list[list[Article]], number: int) -> str:
    """Page `number` (not the newest). It states no total, so it stays the same as the list grows."""
    path = listing.page_path(number, len(pages))
    articles = pages[number - 1]
    first = sum(len(p) for p in pages[:number - 1]) + 1
    nav = pager(listing, pages, number, path)
    back = f"[{escape_markdown(listing.title)}：全部分页]({_link(path, listing.landing)}#pages)"
    body = [
        f"第 {number} 页：{span_text(articles)}，共 {len(articles)} 篇"
        f"（按时间顺序第 {first}—{first + len(articles) - 1} 篇），按日期从新到旧排列。返回{back}。",
        nav,
        _list_body(listing, articles, path),
        nav,
    ]
    return page(f"{listing.title} · 第 {number} 页", "\n\n".join(b for b in body if b),
                index_kind=listing.kind, hide=["navigation"])


def landing_page(listing: Listing, pages: list[list[Article]]) -> str:
    path = listing.landing
    total = len(listing.articles)
    count = len(pages)
    if count == 1:
        body = [f"共 **{total}** 篇文章，按日期从新到旧排列。{listing.intro}", listing.links, listing.header,
                _list_body(listing, pages[0], path)]
    else:
        newest = pages[-1]
        body = [f"共 **{total}** 篇文章，按时间分为 {count} 页（每页约 {len(pages[0])} 篇）。"
                f"这里是最新的一页，更早的文章见[全部分页](#pages)。{listing.intro}", listing.links, listing.header]
        body.append(f"## 最新一页：{span_text(newest)}（{len(newest)}篇）")
        body.append(_list_body(listing, newest, path))
        body.append(pager(listing, pages, count, path))
        rows = ["| 页 | 日期 | 篇数 |", "| --- | --- | ---: |"]
        for k in range(count, 0, -1):
            label = f"第 {k} 页" + ("（本页）" if k == count else "")
            target = "#pages" if k == count else _link(path, listing.page_path(k, count))
            rows.append(f"| [{label}]({target}) | {span_text(pages[k - 1])} | {len(pages[k - 1])} |")
        body.append("## 全部分页 { #pages }\n\n" + "\n".join(rows))
    return page(listing.title, "\n\n".join(b for b in body if b), index_kind=listing.kind, hide=["navigation"],
                **feed_of(listing))


def feed_of(listing: Listing) -> dict:
    """A district's or theme's Atom feed (site/syndication.py), linked from its landing page's head."""
    if listing.kind in ("district", "theme") and listing.title != NO_DISTRICT:
        return {"feed": f"feeds/{listing.base}.xml"}
    return {}


# --- groups: districts, themes, authors -----------------------------------------


def group_by(articles: list[Article], keys: Callable[[Article], Iterable[str]]) -> dict[str, list[Article]]:
    """{name: chronological articles}; an article may be in several groups."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:  # already chronological: each group stays so
        for key in dict.fromkeys(keys(article)):
            groups[key].append(article)
    return dict(groups)


def districts_of(article: Article) -> tuple[str, ...]:
    return article.districts or (NO_DISTRICT,)


def district_rank(name: str) -> tuple[int, str]:
    return (DISTRICT_ORDER.index(name) if name in DISTRICT_ORDER else len(DISTRICT_ORDER), name)


def by_count(groups: dict[str, list]) -> list[str]:
    return sorted(groups, key=lambda n: (-len(groups[n]), n))


def group_listing(kind: str, root: str, name: str, articles: list[Article]) -> Listing:
    base = f"{root}/{name_slug(name)}"
    intro = ""
    if kind == "district" and name != NO_DISTRICT:
        intro = f" 也可以在[搜索页按区县筛选]({search_link(base + '.md', 区县=name)})，再加上关键词或主题。"
    elif kind == "theme":
        intro = f" 也可以在[搜索页按主题筛选]({search_link(base + '.md', 主题=name)})。"
    elif kind == "author":
        intro = " 作者名取自报道的署名行。"
    return Listing(base, name, kind, articles, intro)


def overview_table(path: str, groups: dict[str, list[Article]], listings: dict[str, Listing],
                   order: list[str], label: str) -> str:
    rows = [f"| {label} | 文章数 | 最新文章 |", "| --- | ---: | --- |"]
    for name in order:
        newest = groups[name][-1]
        rows.append(f"| [{escape_markdown(name)}]({_link(path, listings[name].landing)}) | {len(groups[name])} "
                    f"| {html.escape(display_date(newest))} |")
    return "\n".join(rows)


def cross_table(path: str, by_theme: dict[str, list[Article]], district_names: list[str],
                listings: dict[str, dict[str, Listing]]) -> str:
    """Themes × districts, shaded by count; each count links to the search page with both
    filters set (raw HTML: compact on phones, the theme column stays in view)."""
    def name_link(kind: str, name: str) -> str:
        return f'<a href="{_href(path, listings[kind][name].landing)}">{html.escape(name)}</a>'

    counts = {t: Counter(d for a in by_theme[t] for d in districts_of(a)) for t in by_theme}
    peak = max((n for c in counts.values() for n in c.values()), default=0)
    head = ("<tr><th>主题</th>" + "".join(f"<th>{name_link('district', d)}</th>" for d in district_names)
            + "<th>合计</th></tr>")
    rows = []
    for theme in by_count(by_theme):
        cells = []
        for district in district_names:
            n = counts[theme].get(district, 0)
            if not n:
                cells.append("<td></td>")
            elif district == NO_DISTRICT:  # no 区县 filter to search by
                cells.append(f'<td class="qz-heat{heat(n, peak)}"><span data-count="{n}">{n}</span></td>')
            else:
                href = search_href(path, 区县=district, 主题=theme)
                cells.append(f'<td class="qz-heat{heat(n, peak)}"><a href="{href}" data-count="{n}" '
                             f'title="{html.escape(district)} · {html.escape(theme)}：{n}篇">{n}</a></td>')
        rows.append(f"<tr><th>{name_link('theme', theme)}</th>{''.join(cells)}"
                    f'<td class="qz-months__total">{len(by_theme[theme])}</td></tr>')
    return (f'<div class="qz-scroll"><table class="qz-months qz-cross"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def chip_list(from_page: str, groups: dict[str, list[Article]], listings: dict[str, Listing],
              order: list[str], css: str = "qz-chiplist") -> str:
    """Raw HTML list of links with counts (wraps or flows in columns via browse.css)."""
    items = "".join(
        f'<li><a href="{_href(from_page, listings[n].landing)}">{html.escape(n)}'
        f'<span class="qz-count">{len(groups[n])}</span></a></li>'
        for n in order
    )
    return f'<ul class="{css}">{items}</ul>'


# --- dates: years, months, calendars ---------------------------------------------


def month_title(month: str) -> str:
    return f"{month[:4]}年{int(month[5:7])}月"


def month_listing(month: str, articles: list[Article], links: str = "", header: str = "") -> Listing:
    year, mm = month.split("-")
    return Listing(f"dates/{year}/{mm}", month_title(month), "month", articles, by_day=True, links=links, header=header)


def neighbour_links(path: str, before: tuple[str, str] | None, up: tuple[str, str], after: tuple[str, str] | None) -> str:
    """`← older · up · newer →`, each (label, docs path)."""
    links = [f"[← {before[0]}]({_link(path, before[1])})"] if before else []
    links.append(f"[{up[0]}]({_link(path, up[1])})")
    if after:
        links.append(f"[{after[0]} →]({_link(path, after[1])})")
    return " · ".join(links)


def day_locations(listing: Listing, size: int) -> dict[str, str]:
    """{day key: docs page that lists it} (the first page, for a day split over pages)."""
    pages = listing.pages(size)
    where: dict[str, str] = {}
    for number, articles in enumerate(pages, 1):
        for article in articles:
            where.setdefault(day_key(article), listing.page_path(number, len(pages)))
    return where


def month_calendar(from_page: str, month: str, articles: list[Article], where: dict[str, str],
                   month_page: str | None) -> str:
    """One month as a small table, Monday first; days with articles linked, with counts."""
    year, mm = int(month[:4]), int(month[5:7])
    per_day = Counter(day_key(a) for a in articles)
    total = len(articles)
    title = f"{mm}月"
    if month_page:
        title = f'<a href="{_href(from_page, month_page)}">{mm}月</a>'
    caption = f'{title}<span class="qz-cal__total">{total}篇</span>' if total else title
    rows = ["<tr>" + "".join(f"<th>{w}</th>" for w in WEEKDAYS) + "</tr>"]
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, mm):
        cells = []
        for day in week:
            key = f"{year:04d}-{mm:02d}-{day:02d}"
            if not day:
                cells.append("<td></td>")
            elif per_day.get(key):
                n = per_day[key]
                cells.append(f'<td class="qz-cal__has"><a href="{_href(from_page, where[key], f"d{day}")}" '
                             f'title="{mm}月{day}日：{n}篇" data-count="{n}">{day}<small>{n}</small></a></td>')
            else:
                cells.append(f"<td>{day}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = ""
    if per_day.get(MONTH_ONLY):
        n = per_day[MONTH_ONLY]
        foot = (f'<tfoot><tr><td colspan="7"><a href="{_href(from_page, where[MONTH_ONLY], MONTH_ONLY)}" '
                f'data-count="{n}">另有 {n} 篇只知月份</a></td></tr></tfoot>')
    empty = "" if total else " qz-cal--empty"
    return (f'<table class="qz-cal{empty}" data-month="{month}" data-count="{total}">'
            f"<caption>{caption}</caption><thead>{rows[0]}</thead><tbody>{''.join(rows[1:])}</tbody>{foot}</table>")


def year_page(year: str, path: str, articles: list[Article], months: dict[str, Listing],
              wheres: dict[str, dict[str, str]], year_only: Listing | None, years: list[str]) -> str:
    """Twelve month calendars; the days with articles link to the month pages."""
    precision = Counter("day" if day_key(a) != MONTH_ONLY else "month" for a in articles if month_of(a))
    detail = [f"{n} 篇{what}" for n, what in ((precision["day"], "日期精确到日"), (precision["month"], "只精确到月"),
                                             (len(year_only.articles) if year_only else 0, "只精确到年")) if n]
    summary = f"{year}年共 **{len(articles)}** 篇文章" + (f"（{'，'.join(detail)}）" if precision["month"] or year_only else "") + "。"
    at = years.index(year)  # years newest first
    older = (f"{years[at + 1]}年", f"dates/{years[at + 1]}.md") if at + 1 < len(years) else None
    newer = (f"{years[at - 1]}年", f"dates/{years[at - 1]}.md") if at > 0 else None
    links = neighbour_links(path, older, ("全部年份", "dates/index.md"), newer)
    cals = []
    for mm in range(1, 13):
        month = f"{year}-{mm:02d}"
        listing = months.get(month)
        cals.append(month_calendar(path, month, listing.articles if listing else [], wheres.get(month, {}),
                                   listing.landing if listing else None))
    body = [summary + " 日历中带数字的日子有文章，点击可看当天的报道。", links,
            '<div class="qz-cals">' + "".join(cals) + "</div>"]
    if year_only:
        body.append(f"## 日期只精确到年\n\n[{len(year_only.articles)} 篇文章只知道刊登于{year}年]"
                    f"({_link(path, year_only.landing)})。")
    return page(f"{year}年", "\n\n".join(body), index_kind="year", hide=["navigation", "toc"])


def heat(n: int, peak: int) -> int:
    """Shade 1–5 of a count relative to the busiest month (0 for none)."""
    return 0 if not n else 1 + (4 * (n - 1)) // max(peak - 1, 1) if peak > 1 else 3


def dates_overview(path: str, by_year: dict[str, list[Article]], by_month: dict[str, list[Article]],
                   months: dict[str, Listing], undated: Listing | None) -> str:
    """Years × months, shaded by count; every count links to its month page (raw HTML: compact on phones)."""
    peak = max((len(v) for v in by_month.values()), default=0)
    head = "<tr><th>年份</th>" + "".join(f'<th>{m}<span class="qz-unit">月</span></th>' for m in range(1, 13)) + "<th>合计</th></tr>"
    rows = []
    for year in sorted(by_year, reverse=True):
        cells = []
        for mm in range(1, 13):
            month = f"{year}-{mm:02d}"
            n = len(by_month.get(month, []))
            cells.append(f'<td class="qz-heat{heat(n, peak)}"><a href="{_href(path, months[month].landing)}" '
                         f'title="{month_title(month)}：{n}篇" data-count="{n}">{n}</a></td>' if n else "<td></td>")
        rows.append(f'<tr data-year="{year}"><th><a href="{_href(path, f"dates/{year}.md")}">{year}</a></th>'
                    + "".join(cells) + f'<td class="qz-months__total" data-count="{len(by_year[year])}">{len(by_year[year])}</td></tr>')
    table = (f'<div class="qz-scroll"><table class="qz-months"><thead>{head}</thead>'
             f'<tbody>{"".join(rows)}</tbody></table></div>')
    dated = sum(len(v) for v in by_year.values())
    body = [f"共 **{dated}** 篇有日期的文章。点击年份看全年日历，点击数字看当月文章；颜色越深，当月文章越多。", table]
    if any(not month_of(a) for items in by_year.values() for a in items):
        body.append("“合计”含日期只精确到年的文章，它们不属于任何一个月，列在各年日历页的末尾。")
    if undated:
        body.append(f"另有 [{len(undated.articles)} 篇日期不详的文章]({_link(path, undated.landing)})。")
    return page("按日期浏览", "\n\n".join(body), index_kind="overview", hide=["navigation", "toc"])


# --- home -------------------------------------------------------------------------


def home_chart(articles: list[Article]) -> str:
    """The per-month chart (wide and phone versions), its legend and what it counts."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        month = month_of(article)
        if month:  # coloured by the article's first district, so each article counts once
            counts[month][districts_of(article)[0]] += 1
    if not counts:
        return "（暂无有日期的文章。）"
    series = sorted({s for c in counts.values() for s in c}, key=district_rank)
    colours = chart.colours_for(series, DISTRICT_COLOURS)
    totals = Counter()
    for c in counts.values():
        totals.update(c)
    charted = sum(totals.values())
    label = f"每月文章数柱状图，按区县分色，共 {charted} 篇；各月数字见图下的表格"
    wide = chart.stacked_month_chart(counts, series, colours, label, chart.WIDE)
    narrow = chart.stacked_month_chart(counts, series, colours, label, chart.NARROW)
    left_out = len(articles) - charted
    note = f"共 {charted} 篇有月份的文章，按每篇文章的第一个区县分色；各月的篇数见下面的表格。"
    if left_out:
        note += f"另有 {left_out} 篇日期不详或只精确到年，未计入。"
    # the chart's numbers as text: a table under it, folded (one row a month)
    table = chart.month_table(counts, series, "每月文章数（按每篇文章的第一个区县）")
    # only one of the two drawings shows at a time (browse.css): both are images with the same label
    return (f'<figure class="qz-chart" data-total="{charted}">'
            f'<div class="qz-chart__wide">{wide}</div><div class="qz-chart__narrow">{narrow}</div>'
            f"{chart.legend(series, colours, totals)}<figcaption>{html.escape(note)}</figcaption></figure>"
            f'<details class="qz-chart__data"><summary>每月文章数表格</summary>'
            f'<div class="qz-scroll">{table}</div></details>')


def home_page(articles: list[Article], by_district, by_theme, by_author, districts, themes, data_rows: int) -> str:
    path = "index.md"
    dated = [a for a in articles if a.date]
    papers = Counter(a.paper for a in articles if a.paper)
    span = span_text(dated) if dated else UNDATED
    paper_text = "、".join(f"《{html.escape(p)}》" for p in sorted(papers, key=lambda p: (-papers[p], p)))
    stats = [(str(len(articles)), "篇文章"), *([(str(len(papers)), "种报纸")] if papers else []), (html.escape(span), "时间跨度"),
             (str(len([d for d in by_district if d != NO_DISTRICT])), "个区县"), (str(len(by_theme)), "个主题"),
             (str(len(by_author)), "位作者")]
    stat_html = '<div class="qz-stats">' + "".join(
        f'<div class="qz-stat{" qz-stat--wide" if label == "时间跨度" else ""}"><strong>{value}</strong><span>{label}</span></div>'
        for value, label in stats) + "</div>"
    district_order = sorted(by_district, key=district_rank)
    body = [
        f"衢州本地报纸的文章档案：每篇文章都可按日期、区县、主题、作者浏览，也可全文搜索。"
        f"收录的报纸：{paper_text or '报名不详'}。",
        stat_html,
        "[全文搜索](search.md){ .md-button .md-button--primary } [按日期](dates/index.md){ .md-button } "
        "[按区县](districts/index.md){ .md-button } [按主题](themes/index.md){ .md-button } "
        "[按作者](authors/index.md){ .md-button }\n{ .qz-buttons }",
        f"## 每月文章数\n\n{home_chart(articles)}",
        f"## 最新文章\n\n{article_list(newest_first(articles)[:LATEST_ON_HOME], path)}\n\n"
        f"更多文章：[按日期浏览](dates/index.md)。",
        f"## 区县\n\n{chip_list(path, by_district, districts, district_order)}\n\n"
        f"一篇文章可能涉及几个区县，所以各区县篇数之和可能多于文章总数。",
        f"## 主题\n\n{chip_list(path, by_theme, themes, by_count(by_theme))}\n\n"
        f"[区县 × 主题交叉表](themes/index.md#cross)",
        "## 数据下载 { #data }\n\n"
        f"供研究使用：全部 {data_rows} 篇文章的元数据（标题、副题、日期及精度、区县、主题、关键词、作者、"
        "报纸、版次、来源文件及行号、图片说明等，不含正文），每篇一条记录，`url` 为文章页面的相对地址。\n\n"
        f"- [articles.json]({datafiles.JSON_PATH})：JSON 数组\n"
        f"- [articles.csv]({datafiles.CSV_PATH})：CSV，UTF-8 编码（带 BOM，Excel 可直接打开），"
        "多个值之间用“；”分隔",
    ]
    return page("衢州新闻档案", "\n\n".join(body), index_kind="home", hide=["navigation", "toc"], feed="feed.xml")


# --- everything ------------------------------------------------------------------


def build_indexes(articles: list[Article], page_size: int = PAGE_SIZE) -> dict[str, str]:
    """{docs-relative path: Markdown} for every generated browse page."""
    articles = chronological(articles)
    files: dict[str, str] = {}

    by_district = group_by(articles, districts_of)
    by_theme = group_by(articles, lambda a: a.themes)
    by_author = group_by(articles, lambda a: a.authors)
    groups = {}
    for kind, root, grouped in (("district", "districts", by_district), ("theme", "themes", by_theme),
                                ("author", "authors", by_author)):
        groups[kind] = {name: group_listing(kind, root, name, items) for name, items in grouped.items()}
        for listing in groups[kind].values():
            files.update(listing_files(listing, page_size))

    district_order = sorted(by_district, key=district_rank)
    files["districts/index.md"] = page("按区县浏览", overview_table(
        "districts/index.md", by_district, groups["district"], district_order, "区县")
        + "\n\n一篇文章可能涉及几个区县。各区县与主题的交叉统计见[区县 × 主题](../themes/index.md#cross)。",
        index_kind="overview", hide=["navigation", "toc"])
    files["themes/index.md"] = page("按主题浏览", overview_table(
        "themes/index.md", by_theme, groups["theme"], by_count(by_theme), "主题")
        + "\n\n## 区县 × 主题 { #cross }\n\n每个数字是同时属于该区县和该主题的文章数，点击即在搜索页按这两项筛选。\n\n"
        + cross_table("themes/index.md", by_theme, district_order, groups),
        index_kind="overview", hide=["navigation", "toc"])
    authors_text = (f"共 **{len(by_author)}** 位作者（取自报道的署名行），按文章数排列。\n\n"
                    + chip_list("authors/index.md", by_author, groups["author"], by_count(by_author)))
    files["authors/index.md"] = page("按作者浏览", authors_text, index_kind="overview", hide=["navigation", "toc"])

    files.update(date_pages(articles, page_size))
    files["index.md"] = home_page(articles, by_district, by_theme, by_author, groups["district"], groups["theme"],
                                  len(articles))
    files["search.md"] = page("搜索", '<div id="qz-search" class="qz-search"></div>', index_kind="search", hide=["navigation", "toc"])
    return files


def date_pages(articles: list[Article], page_size: int) -> dict[str, str]:
    files: dict[str, str] = {}
    by_year = group_by([a for a in articles if a.date], lambda a: [a.date[:4]])
    by_month = group_by(articles, lambda a: [m for m in [month_of(a)] if m])
    months: dict[str, Listing] = {}
    wheres: dict[str, dict[str, str]] = {}
    month_order = sorted(by_month)
    for at, month in enumerate(month_order):
        plain = month_listing(month, by_month[month])
        wheres[month] = day_locations(plain, page_size)
        older = month_order[at - 1] if at else None
        newer = month_order[at + 1] if at + 1 < len(month_order) else None
        links = neighbour_links(plain.landing, older and (month_title(older), month_listing(older, []).landing),
                                (f"{month[:4]}年日历", f"dates/{month[:4]}.md"),
                                newer and (month_title(newer), month_listing(newer, []).landing))
        header = month_calendar(plain.landing, month, by_month[month], wheres[month], None)
        months[month] = month_listing(month, by_month[month], links, f'<div class="qz-cals qz-cals--one">{header}</div>')
        files.update(listing_files(months[month], page_size))
    years = sorted(by_year, reverse=True)
    for year in years:
        year_only = [a for a in by_year[year] if not month_of(a)]
        only = Listing(f"dates/{year}/only-year", f"{year}年（日期只精确到年）", "year", year_only) if year_only else None
        if only:
            files.update(listing_files(only, page_size))
        files[f"dates/{year}.md"] = year_page(year, f"dates/{year}.md", by_year[year], months, wheres, only, years)
    undated = [a for a in articles if not a.date]
    undated_listing = Listing("dates/undated", UNDATED, "undated", undated,
                              " 这些文章的版面上没有报头日期，正文也没有可推断的日期。") if undated else None
    if undated_listing:
        files.update(listing_files(undated_listing, page_size))
    files["dates/index.md"] = dates_overview("dates/index.md", by_year, by_month, months, undated_listing)
    return files
