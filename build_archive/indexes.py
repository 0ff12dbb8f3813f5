"""Generated browse pages: home, by district, by theme, by year (pure).

Readers reach articles through these pages and search, never through `nav`:
MkDocs renders the nav into every page, so listing articles there makes the
build O(n²) (../shared/GUIDE.md §2).
"""
from __future__ import annotations

import posixpath
from collections import Counter, defaultdict

from . import dates
from .models import Article
from .render import escape_markdown

UNDATED = "日期不详"
NO_DISTRICT = "未标注区县"


def _link(from_page: str, to_page: str) -> str:
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def newest_first(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.date or "", a.source, -a.ordinal), reverse=True)


def article_line(article: Article, from_page: str) -> str:
    when = dates.display(article.date, article.date_precision)
    where = "、".join(article.districts[:2]) or NO_DISTRICT
    title = escape_markdown(article.title)
    return f"- {when} · {where} · [{title}]({_link(from_page, article.slug + '.md')})"


def article_list(articles: list[Article], from_page: str) -> str:
    return "\n".join(article_line(a, from_page) for a in newest_first(articles)) or "（暂无文章）"


def page(title: str, body: str, **meta) -> str:
    import yaml

    front = yaml.safe_dump({"title": title, **meta}, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n# {escape_markdown(title)}\n\n{body}\n"


def group_page(kind: str, name: str, path: str, articles: list[Article]) -> str:
    summary = f"共 **{len(articles)}** 篇文章，按日期从新到旧排列。"
    return page(name, f"{summary}\n\n{article_list(articles, path)}", index_kind=kind)


def overview(kind_title: str, path: str, groups: dict[str, list[Article]], paths: dict[str, str]) -> str:
    rows = ["| 名称 | 文章数 |", "| --- | ---: |"]
    for name in sorted(groups, key=lambda n: (-len(groups[n]), n)):
        rows.append(f"| [{escape_markdown(name)}]({_link(path, paths[name])}) | {len(groups[name])} |")
    return page(kind_title, "\n".join(rows), index_kind="overview")


def year_page(year: str, path: str, articles: list[Article]) -> str:
    by_month: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        month = article.date[5:7] if article.date and len(article.date) >= 7 else ""
        by_month[month].append(article)
    parts = [f"{year}年共 **{len(articles)}** 篇文章。"]
    for month in sorted(by_month, reverse=True):
        heading = f"{int(month)}月" if month else "月份不详"
        parts.append(f"## {heading}（{len(by_month[month])}篇）\n\n{article_list(by_month[month], path)}")
    return page(f"{year}年", "\n\n".join(parts), index_kind="year")


def build_indexes(articles: list[Article]) -> dict[str, str]:
    """{docs-relative path: Markdown} for every generated browse page."""
    files: dict[str, str] = {}
    by_district: dict[str, list[Article]] = defaultdict(list)
    by_theme: dict[str, list[Article]] = defaultdict(list)
    by_year: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for district in article.districts or (NO_DISTRICT,):
            by_district[district].append(article)
        for theme in article.themes:
            by_theme[theme].append(article)
        by_year[article.date[:4] if article.date else UNDATED].append(article)

    district_paths = {name: f"districts/{name}.md" for name in by_district}
    theme_paths = {name: f"themes/{name}.md" for name in by_theme}
    year_paths = {year: f"dates/{'undated' if year == UNDATED else year}.md" for year in by_year}
    for name, path in district_paths.items():
        files[path] = group_page("district", name, path, by_district[name])
    for name, path in theme_paths.items():
        files[path] = group_page("theme", name, path, by_theme[name])
    for year, path in year_paths.items():
        files[path] = year_page(year, path, by_year[year]) if year != UNDATED else group_page("year", UNDATED, path, by_year[year])
    files["districts/index.md"] = overview("按区县浏览", "districts/index.md", by_district, district_paths)
    files["themes/index.md"] = overview("按主题浏览", "themes/index.md", by_theme, theme_paths)
    files["dates/index.md"] = overview("按日期浏览", "dates/index.md", by_year, year_paths)
    files["index.md"] = home_page(articles, by_district, by_theme, by_year, district_paths, theme_paths, year_paths)
    files["search.md"] = page("搜索", '<div id="qz-search" class="qz-search"></div>', index_kind="search", hide=["navigation", "toc"])
    return files


def home_page(articles, by_district, by_theme, by_year, district_paths, theme_paths, year_paths) -> str:
    dated = sorted(a.date for a in articles if a.date)
    papers = sorted({a.paper for a in articles if a.paper})
    span = f"{dates.display(dated[0], None if len(dated[0]) < 10 else 'day')} 至 {dates.display(dated[-1], None if len(dated[-1]) < 10 else 'day')}" if dated else "日期不详"

    def chips(groups, paths):
        ordered = sorted(groups, key=lambda n: (-len(groups[n]), n))
        return " · ".join(f"[{escape_markdown(n)}]({paths[n]})（{len(groups[n])}）" for n in ordered)

    body = [
        f"本档案收录 **{len(articles)}** 篇文章，来自 {'、'.join(papers) or '衢州本地报纸'}，时间跨度 {span}。",
        "[全文搜索](search.md){ .md-button .md-button--primary } "
        "[按区县](districts/index.md){ .md-button } [按主题](themes/index.md){ .md-button } "
        "[按日期](dates/index.md){ .md-button }",
        f"## 区县\n\n{chips(by_district, district_paths)}",
        f"## 主题\n\n{chips(by_theme, theme_paths)}",
        f"## 年份\n\n{chips(by_year, year_paths)}",
        f"## 最新文章\n\n{article_list(newest_first(articles)[:20], 'index.md')}",
    ]
    return page("衢州新闻档案", "\n\n".join(body), index_kind="home", hide=["navigation", "toc"])
