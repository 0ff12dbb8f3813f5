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
