"""An article's permanent address: `articles/<year>/<date>-<district>-<id>` (pure).

Published URLs never change: the id is a hash of the article's own text, and a
corrected article keeps the address its extraction gave it (corrections.py).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from build_archive.models import Article, Issue, Report

# ASCII names for paths; the reader sees the Chinese names.
DISTRICT_SLUGS = {
    "衢州市": "quzhou", "柯城区": "kecheng", "衢江区": "qujiang", "龙游县": "longyou",
    "江山市": "jiangshan", "常山县": "changshan", "开化县": "kaihua",
}

_DATE = re.compile(r"\d{4}(-\d{2}){0,2}")
# A name that can be a file name as it is (CJK and ·): no path syntax, no case to fold.
_PLAIN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·]{1,30}")
# A printed page: "1—4版", "第3版", "A12版", "00002 综合新闻" → first (and last) page.
_PAGE = re.compile(r"([A-Za-z]?)0*(\d+)(?:\s*[—–\-~至]\s*([A-Za-z]?)0*(\d+))?")


def article_id(article: Article) -> str:
    """Short id from the article's own text (title and body, white space ignored).

    The same article exported twice, under any file name, gets the same id,
    so the pipeline builds it once; different articles get different ids.
    """
    key = re.sub(r"\s+", "", f"{article.title}\n{article.body}")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def article_slug(article: Article) -> str:
    """`articles/2022/2022-07-19-qujiang-3f3caa64`: date + district + stable id.

    Only our own characters reach the path (digits, ASCII district names, hex),
    so no input can write outside docs/articles/.
    """
    date = article.date if article.date and _DATE.fullmatch(article.date) else None
    year = date[:4] if date else "undated"
    district = DISTRICT_SLUGS.get(article.districts[0], "other") if article.districts else "other"
    return f"articles/{year}/{date or 'undated'}-{district}-{article_id(article)}"


def assign_slugs(articles: list[Article], report: Report) -> list[Article]:
    seen: dict[str, Article] = {}
    out = []
    for article in articles:
        slug = article.extra.get("slug") or article_slug(article)  # a corrected article keeps its address
        if slug in seen:  # the same page exported twice: build it once
            first = seen[slug]
            report.issues.append(Issue("duplicate", article.source, article.line,
                                       f"same article as {first.source}:{first.line}; built once"))
            continue
        article = replace(article, slug=slug)
        seen[slug] = article
        out.append(article)
    return out


def name_slug(name: str) -> str:
    """A district's, theme's, author's or paper's file name: the name itself when plain, else a hash."""
    if _PLAIN_NAME.fullmatch(name):
        return name
    return "n-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def page_range(page: str | None) -> tuple[str | None, str | None]:
    """The first and last page of a printed page label, or (None, None)."""
    m = _PAGE.search(page or "")
    if not m:
        return None, None
    first = m.group(1) + m.group(2)
    return first, (m.group(3) + m.group(4)) if m.group(4) else first


# --- the issue view (site/issues.py): papers/<paper>/<YYYY-MM-DD>.md ---------------------

PAPERS = "papers"


def paper_path(paper: str | None) -> str:
    return f"{PAPERS}/{name_slug(paper)}.md" if paper else f"{PAPERS}/unknown.md"


def issue_path(paper: str, date: str) -> str:
    return f"{PAPERS}/{name_slug(paper)}/{date}.md"


def page_anchor(label: str | None) -> str:
    """A printed page's anchor on its issue page: `p3`, `pA12`; `p-unknown` without a page."""
    first, _ = page_range(label)
    return f"p{first}" if first else "p-unknown"


def in_an_issue(article: Article) -> bool:
    """Only an article whose paper and day are known belongs to an issue: none is guessed."""
    return bool(article.paper and article.date and len(article.date) == 10)


def issue_link(article: Article) -> str | None:
    """The article's issue view at its page (site-relative), when it is in an issue."""
    if not in_an_issue(article):
        return None
    return f"{issue_path(article.paper, article.date)[:-3]}.html#{page_anchor(article.page)}"
