"""The issue view (pure): each paper, its issues, and each issue page by page, as
newspaper archives are read (Chronicling America, Trove, Papers Past).

- `papers/index.md`: every paper with its years and counts (the 报纸 tab);
- `papers/<paper>.md`: one paper: a calendar per year whose days open that day's issue, and
  the paper's articles whose day is unknown, listed as such (never put into an issue);
- `papers/<paper>/<YYYY-MM-DD>.md`: one issue, titled `<paper> <date>`: its pages in order
  (`第3版 综合新闻`), each page's articles in page order with headline and first line.

An issue page depends only on that issue's articles (its link to the previous issue points
back in time), so a new day adds one issue page and leaves every older one as it was.
Articles with no known paper are listed on `papers/unknown.md`.
"""
from __future__ import annotations

import html
import re
from collections import Counter

from build_archive.extract import dates
from build_archive.models import Article
from build_archive.addresses import PAPERS, in_an_issue, issue_path, page_anchor, page_range, paper_path
from build_archive.site.render import lead
from build_archive.site.indexes import _href, _link, chronological, display_date, escape_markdown, month_calendar, page

UNKNOWN_PAPER = "报名不详"
UNKNOWN_PAGE = "版面不详"
_NUMBERED = re.compile(r"0*(\d+)(?:\s+(.*))?")  # "00002 综合新闻", an e-paper's page code and name


def _page_key(label: str | None) -> tuple:
    """Pages in printed order: by number (A-section pages after plain numbers), unknown last."""
    first, _ = page_range(label)
    if not first:
        return (2, 0, "", label or "")
    letter = first.rstrip("0123456789")
    return (1 if letter else 0, int(first[len(letter):]), letter, label or "")


def _first_line(article: Article) -> str:
    """From the text, or from the data record when the article was read back from one (combine)."""
    return article.extra.get("lead") or lead(article)


def page_heading(label: str | None) -> str:
    """A page as the issue view names it: `第2版 综合新闻` for `00002 综合新闻`, else as printed."""
    if not label:
        return UNKNOWN_PAGE
    m = _NUMBERED.fullmatch(label)
    return f"第{int(m.group(1))}版 {m.group(2)}".rstrip() if m else label


def issue_page(paper: str, date: str, articles: list[Article], previous: str | None) -> str:
    path = issue_path(paper, date)
    title = f"{paper} {dates.display(date, 'day')}"
    pages: dict[str | None, list[Article]] = {}
    for article in sorted(articles, key=lambda a: (_page_key(a.page), a.source, a.ordinal)):
        pages.setdefault(article.page, []).append(article)
    links = [f"[{escape_markdown(paper)}：全部各期]({_link(path, paper_path(paper))})"]
    if previous:
        links.append(f"[← 上一期（{dates.display(previous, 'day')}）]({_link(path, issue_path(paper, previous))})")
    body = [f"本期收录 **{len(articles)}** 篇文章，共 {len(pages)} 个版面，按版面顺序排列。", " · ".join(links)]
    contents = [f'<a href="#{page_anchor(label)}">{html.escape(page_heading(label))}</a>（{len(items)}篇）'
                for label, items in pages.items()]
    body.append("本期版面：" + "，".join(contents))
    for label, items in pages.items():
        lines = [f"## {escape_markdown(page_heading(label))} {{ #{page_anchor(label)} }}\n"]
        for article in items:
            kind = f'<span class="qz-kind">{html.escape(article.type)}</span> ' if article.type != "新闻" else ""
            lines.append(f"- {kind}[{escape_markdown(article.title)}]({_link(path, article.slug + '.md')})  \n"
                         f"  {escape_markdown(_first_line(article))}")
        body.append("\n".join(lines))
    return page(title, "\n\n".join(body), index_kind="issue", hide=["navigation"])


def paper_page(paper: str, articles: list[Article], issues: dict[str, list[Article]]) -> str:
    path = paper_path(paper)
    undated = [a for a in articles if not in_an_issue(a)]
    by_year: dict[str, dict[str, list[Article]]] = {}
    for day, items in issues.items():
        by_year.setdefault(day[:4], {}).setdefault(day[:7], []).extend(items)
    body = [f"共 **{len(articles)}** 篇文章，{len(issues)} 期。日历中带数字的日子有这一天的报纸，点击查看该期各版。"]
    for year in sorted(by_year, reverse=True):
        months = by_year[year]
        where = {day: issue_path(paper, day) for day in issues if day.startswith(year)}
        cals = [month_calendar(path, f"{year}-{mm:02d}", months.get(f"{year}-{mm:02d}", []), where, None)
                for mm in range(1, 13)]
        body.append(f"## {year}年（{sum(len(v) for v in months.values())}篇） {{ #y{year} }}\n\n"
                    + '<div class="qz-cals">' + "".join(cals) + "</div>")
    if undated:
        body.append(f"## 日期不详（{len(undated)}篇） {{ #undated }}\n\n这些文章只知道刊登的月份或年份，"
                    "或不知道日期，所以不归入任何一期。\n\n" + newest_first_list(undated, path))
    return page(paper, "\n\n".join(body), index_kind="paper", hide=["navigation", "toc"])


def newest_first_list(articles: list[Article], path: str) -> str:
    """Articles that are in no issue, newest first: date as known, headline linked."""
    return "\n".join(f"- {html.escape(display_date(a))} [{escape_markdown(a.title)}]({_link(path, a.slug + '.md')})"
                     for a in reversed(chronological(articles)))


def unknown_paper_page(articles: list[Article]) -> str:
    return page(UNKNOWN_PAPER, f"这 **{len(articles)}** 篇文章的版面没有印出报名，来源登记（sources.yml）也没有写明，"
                "所以不归入任何一份报纸的某一期。\n\n" + newest_first_list(articles, paper_path(None)),
                index_kind="paper", hide=["navigation", "toc"])


def issue_files(articles: list[Article]) -> dict[str, str]:
    """{docs-relative path: Markdown} of the issue view."""
    by_paper: dict[str | None, list[Article]] = {}
    for article in chronological(articles):
        by_paper.setdefault(article.paper or None, []).append(article)
    files: dict[str, str] = {}
    rows = ["| 报纸 | 期数 | 文章数 | 年份 |", "| --- | ---: | ---: | --- |"]
    for paper in sorted((p for p in by_paper if p), key=lambda p: (-len(by_paper[p]), p)):
        items = by_paper[paper]
        issues: dict[str, list[Article]] = {}
        for article in items:
            if in_an_issue(article):
                issues.setdefault(article.date, []).append(article)
        days = sorted(issues)
        for i, day in enumerate(days):
            files[issue_path(paper, day)] = issue_page(paper, day, issues[day], days[i - 1] if i else None)
        files[paper_path(paper)] = paper_page(paper, items, issues)
        years = sorted({a.date[:4] for a in items if a.date}, reverse=True)
        year_links = "、".join(f'<a href="{_href(f"{PAPERS}/index.md", paper_path(paper), f"y{y}")}">{y}</a>'
                              for y in years if any(d.startswith(y) for d in days)) or "—"
        rows.append(f"| [{escape_markdown(paper)}]({_link(f'{PAPERS}/index.md', paper_path(paper))}) | {len(days)} "
                    f"| {len(items)} | {year_links} |")
    if None in by_paper:
        files[paper_path(None)] = unknown_paper_page(by_paper[None])
        rows.append(f"| [{UNKNOWN_PAPER}]({_link(f'{PAPERS}/index.md', paper_path(None))}) | — | {len(by_paper[None])} | — |")
    counts = Counter(in_an_issue(a) for a in articles)
    intro = (f"按报纸和期次浏览：每一期按版面顺序列出文章。{counts[True]} 篇文章可归入某一期；"
             f"{counts[False]} 篇因报名或具体日期不详，列在各报纸页的“日期不详”或“{UNKNOWN_PAPER}”中。")
    files[f"{PAPERS}/index.md"] = page("按报纸浏览", intro + "\n\n" + "\n".join(rows), index_kind="overview",
                                     hide=["navigation", "toc"])
    return files
